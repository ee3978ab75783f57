using System.Text.Json;

namespace Pprof.Cli.Web;

/// <summary>The web UI's saved configurations: named URL query strings, kept in a JSON file (by default
/// <c>~/.config/dotnet-pprof/settings.json</c>, as pprof keeps its own in <c>~/.config/pprof</c>).</summary>
internal sealed class WebSettings
{
    private readonly string _path;
    private readonly object _lock = new();

    public WebSettings(string path) => _path = path;

    /// <summary>The default settings file.</summary>
    public static string DefaultPath()
    {
        string? env = Environment.GetEnvironmentVariable("DOTNET_PPROF_SETTINGS");
        if (!string.IsNullOrEmpty(env)) return env;
        string? xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        string dir = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(dir, "dotnet-pprof", "settings.json");
    }

    /// <summary>The saved configurations (name, query string), by name.</summary>
    public IReadOnlyList<(string Name, string Query)> List()
    {
        lock (_lock)
        {
            return Read().OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)).ToList();
        }
    }

    /// <summary>Saves (or replaces) configuration <paramref name="name"/>.</summary>
    public void Save(string name, string query)
    {
        lock (_lock)
        {
            var d = Read();
            d[name] = query.TrimStart('?');
            Write(d);
        }
    }

    /// <summary>Deletes configuration <paramref name="name"/>; false when there is none.</summary>
    public bool Delete(string name)
    {
        lock (_lock)
        {
            var d = Read();
            if (!d.Remove(name)) return false;
            Write(d);
            return true;
        }
    }

    private Dictionary<string, string> Read()
    {
        try
        {
            if (!File.Exists(_path)) return new(StringComparer.Ordinal);
            var file = JsonSerializer.Deserialize<SettingsFile>(File.ReadAllText(_path));
            return new Dictionary<string, string>(file?.Configs ?? new(), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return new(StringComparer.Ordinal);
        }
    }

    private void Write(Dictionary<string, string> d)
    {
        try
        {
            string? dir = Path.GetDirectoryName(_path);
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            File.WriteAllText(_path, JsonSerializer.Serialize(new SettingsFile { Configs = d }, new JsonSerializerOptions { WriteIndented = true }));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Driver.PprofException("saving configuration: " + e.Message);
        }
    }

    private sealed class SettingsFile
    {
        public Dictionary<string, string> Configs { get; set; } = new();
    }
}
