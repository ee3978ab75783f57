using System.Text.Json;

namespace Pprof.Cli.Web;

/// <summary>The web UI's saved configurations: named URL query strings, kept in a JSON file (by default
/// <c>~/.config/dotnet-pprof/settings.json</c>, as pprof keeps its own in <c>~/.config/pprof</c>).</summary>
internal sealed class WebSettings
{
    /// <summary>The longest configuration name.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The longest saved query string.</summary>
    public const int MaxQueryLength = 4096;

    /// <summary>The most configurations kept.</summary>
    public const int MaxCount = 100;

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
            // A file edited by hand may hold more or longer entries than the UI saves: only what fits the limits is shown.
            return Read().Where(kv => kv.Key.Length <= MaxNameLength && kv.Value.Length <= MaxQueryLength)
                .OrderBy(kv => kv.Key, StringComparer.Ordinal).Take(MaxCount).Select(kv => (kv.Key, kv.Value)).ToList();
        }
    }

    /// <summary>Saves (or replaces) configuration <paramref name="name"/>; a name or query over the limits, or one
    /// configuration too many, is refused with a <see cref="Driver.PprofException"/>.</summary>
    public void Save(string name, string query)
    {
        if (name.Length == 0 || name.Length > MaxNameLength || name.Any(char.IsControl))
            throw new Driver.PprofException($"a configuration name has 1 to {MaxNameLength} printable characters");
        if (query.Length > MaxQueryLength)
            throw new Driver.PprofException($"a configuration has at most {MaxQueryLength} characters");
        lock (_lock)
        {
            var d = Read();
            if (!d.ContainsKey(name) && d.Count >= MaxCount)
                throw new Driver.PprofException($"at most {MaxCount} configurations are kept: delete one first");
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
            var info = new FileInfo(_path);
            if (!info.Exists || info.Length > 4 * 1024 * 1024) return new(StringComparer.Ordinal);
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
