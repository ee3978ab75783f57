using Microsoft.Data.Sqlite;
using Pprof.Profiles;

namespace Pprof.History.Tests;

/// <summary>Helpers: temporary stores, totals and flat values by function, raw row counts.</summary>
internal static class TestProfiles
{
    public static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    public static string NewStoreDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "pprof-history-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static void Delete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static int CpuIndex(Profile p) => p.SampleTypes.FindIndex(t => t.Type == "cpu");

    /// <summary>Total of the last (default) sample value.</summary>
    public static long Total(Profile p, int index = -1)
    {
        if (index < 0) index = p.SampleTypes.Count - 1;
        return p.Samples.Sum(s => s.Values[index]);
    }

    /// <summary>Flat value (last sample type) of the samples whose leaf frame is <paramref name="function"/>.</summary>
    public static long Flat(Profile p, string function) =>
        p.Samples.Where(s => s.Locations.Length > 0 && s.Locations[0].Lines.Length > 0 && s.Locations[0].Lines[^1].Function?.Name == function)
            .Sum(s => s.Values[^1]);

    /// <summary>The function with the most flat value (last sample type); pseudo-frames such as [cpu time not sampled]
    /// are not functions.</summary>
    public static string TopFlat(Profile p)
    {
        var flat = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in p.Samples)
        {
            if (s.Locations.Length == 0 || s.Locations[0].Lines.Length == 0) continue;
            string name = s.Locations[0].Lines[^1].Function?.Name ?? "";
            if (name.StartsWith('[')) continue;
            flat[name] = flat.GetValueOrDefault(name) + s.Values[^1];
        }
        return flat.MaxBy(kv => kv.Value).Key;
    }

    /// <summary>Value (last sample type) by stack of function names and lines, with sample labels: what a merge must preserve.</summary>
    public static Dictionary<string, long> ByStack(Profile p)
    {
        var d = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in p.Samples)
        {
            string stack = string.Join(";", s.Locations.SelectMany(l => l.Lines.Select(x => $"{x.Function?.Name}:{x.LineNumber}")));
            string labels = s.Labels == null ? "" : string.Join(",", s.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + string.Join("|", kv.Value)));
            string key = stack + " " + labels;
            d[key] = d.GetValueOrDefault(key) + s.Values[^1];
        }
        return d;
    }

    public static List<StoredProfile> Series(string service, string type, Profile p, DateTime start, int count, IReadOnlyDictionary<string, string>? labels = null) =>
        Enumerable.Range(0, count)
            .Select(i => new StoredProfile(service, type, labels ?? new Dictionary<string, string> { ["host"] = "h1" }, start.AddSeconds(15 * i), TimeSpan.FromSeconds(15), p))
            .ToList();

    public static long Rows(string dir, string table)
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(dir, "profiles.db")};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {table}";
        return (long)cmd.ExecuteScalar()!;
    }
}
