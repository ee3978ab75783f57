using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Pprof.History;

namespace Pprof.Cli.History;

/// <summary><c>dotnet-pprof history [flags]</c>: merges the profiles of the embedded history store that match a
/// service, type, time range and labels into one profile (which every report and <c>go tool pprof</c> read), or with
/// <c>-list</c> prints the series the store holds. Flags: <see cref="HistoryOptions"/>.</summary>
internal static class HistoryCommand
{
    private const string Prefix = "dotnet-pprof history: ";

    /// <summary>Runs the verb (arguments after <c>history</c>); returns the exit status.</summary>
    public static int Run(string[] args, Stream stdout, bool stdoutIsTerminal, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!HistoryOptions.TryParse(args, DateTime.UtcNow, out var options, out string error))
        {
            stderr.WriteLine(Prefix + error);
            stderr.Write(HistoryOptions.UsageText);
            return 2;
        }
        if (options.Help)
        {
            stderr.Write(HistoryOptions.UsageText);
            return 0;
        }
        if (options.Http != null && File.Exists(Path.Combine(options.Store, "profiles.db")))
        {
            using var readOnly = ProfileStore.Open(options.Store, new ProfileStoreOptions { ReadOnly = true });
            return HistoryWeb.HistoryServer.Serve(readOnly, options.Http, options.NoBrowser, stderr, cancellationToken);
        }
        if (!options.List && options.Output == null && options.Http == null && stdoutIsTerminal)
        {
            stderr.WriteLine(Prefix + "the merged profile is binary: give -o FILE or redirect standard output (> merged.pb.gz)");
            return 2;
        }
        if (options.Pyroscope != null) return Agent.PyroscopeHistory.Run(options, stdout, stderr, cancellationToken);
        if (!File.Exists(Path.Combine(options.Store, "profiles.db")))
        {
            stderr.WriteLine(Prefix + $"no profile store in {options.Store} (record one with dotnet-pprof agent, or give -store DIR)");
            return 1;
        }
        try
        {
            using var store = ProfileStore.Open(options.Store, new ProfileStoreOptions { MaintenanceInterval = TimeSpan.Zero });
            return options.List ? List(store, options, stdout, cancellationToken) : Merge(store, options, stdout, stderr, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or SqliteException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            string message = e switch
            {
                SqliteException s => $"{Path.Combine(options.Store, "profiles.db")}: {s.Message}",
                InvalidOperationException when e.Message.StartsWith("profiles of several types match", StringComparison.Ordinal) => e.Message + " with -type",
                _ => e.Message,
            };
            stderr.WriteLine(Prefix + message);
            return 1;
        }
    }

    private static int Merge(ProfileStore store, HistoryOptions options, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var series = store.ListSeries(cancellationToken).Where(s => s.Type != ProfileStore.StatsType).ToList();
        if (options.Type != null && !series.Any(s => s.Type == options.Type))
        {
            var types = series.Select(s => s.Type).Distinct().Order(StringComparer.Ordinal).ToList();
            stderr.WriteLine(Prefix + $"no {options.Type} profiles in the store" + (types.Count > 0 ? $" (it has: {string.Join(", ", types)})" : " (it is empty)"));
            return 1;
        }
        if (options.Service != null && !series.Any(s => s.Service == options.Service))
        {
            var services = series.Select(s => s.Service).Distinct().Order(StringComparer.Ordinal).ToList();
            stderr.WriteLine(Prefix + $"no service {options.Service} in the store" + (services.Count > 0 ? $" (it has: {string.Join(", ", services)})" : " (it is empty)"));
            return 1;
        }
        var profile = store.Query(options.Query, cancellationToken);
        if (profile == null)
        {
            stderr.WriteLine(Prefix + $"no profiles match {Describe(options)}");
            return 1;
        }
        if (options.Output != null)
        {
            using (var f = File.Create(options.Output)) profile.Write(f);
            stderr.WriteLine(Prefix + $"wrote {options.Output}: {Describe(options)}, {profile.Samples.Count} samples");
        }
        else
        {
            profile.Write(stdout);
            stdout.Flush();
        }
        return 0;
    }

    private static string Describe(HistoryOptions o)
    {
        var sb = new StringBuilder();
        sb.Append(o.Type ?? "all types");
        sb.Append(o.Service != null ? $" of {o.Service}" : " of all services");
        sb.Append($" from {HistoryTime.Format(o.From)} to {HistoryTime.Format(o.To)}");
        if (o.Labels.Count > 0) sb.Append(" with ").Append(string.Join(",", o.Labels.Select(kv => kv.Key + "=" + kv.Value)));
        return sb.ToString();
    }

    private static int List(ProfileStore store, HistoryOptions options, Stream stdout, CancellationToken cancellationToken)
    {
        var rows = new List<string[]> { new[] { "SERVICE", "TYPE", "PROFILES", "FIRST", "LAST", "LABELS" } };
        foreach (var s in store.ListSeries(cancellationToken))
        {
            if (options.Service != null && s.Service != options.Service) continue;
            if (options.Type != null && s.Type != options.Type) continue;
            if (!options.Labels.All(kv => s.Labels.TryGetValue(kv.Key, out var values) && values.Contains(kv.Value))) continue;
            string labels = string.Join(" ", s.Labels.Select(kv => kv.Key + "=" + Values(kv.Value)));
            rows.Add(new[] { s.Service, s.Type, s.Profiles.ToString(CultureInfo.InvariantCulture), HistoryTime.Format(s.First), HistoryTime.Format(s.Last), labels });
        }
        using var w = new StreamWriter(stdout, new UTF8Encoding(false), leaveOpen: true);
        if (rows.Count == 1)
        {
            w.WriteLine($"no series in {store.Directory}" + (options.Service != null || options.Type != null || options.Labels.Count > 0 ? " match" : ""));
            return 0;
        }
        var widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var r in rows)
        {
            var line = new StringBuilder();
            for (int c = 0; c < 5; c++) line.Append(c == 2 ? r[c].PadLeft(widths[c]) : r[c].PadRight(widths[c])).Append("  ");
            line.Append(r[5]);
            w.WriteLine(line.ToString().TrimEnd());
        }
        return 0;
    }

    // At most five values of a label, then how many more.
    private static string Values(IReadOnlyList<string> values) =>
        values.Count <= 5 ? string.Join("|", values) : string.Join("|", values.Take(5)) + $"|…(+{values.Count - 5})";
}
