using System.Text;
using Pprof.Agent;
using Pprof.Cli.History;

namespace Pprof.Cli.Agent;

/// <summary><c>dotnet-pprof history -pyroscope URL [-query SELECTOR] [-type cpu] [-from -1h] [-to now] [-o FILE]</c>:
/// the merged profile of a time range read back from Grafana Pyroscope's query API (SelectMergeProfile).</summary>
internal static class PyroscopeHistory
{
    private const string Prefix = "dotnet-pprof history: ";

    public static int Run(HistoryOptions options, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (options.List)
        {
            stderr.WriteLine(Prefix + "-list reads the store, not Pyroscope (use Grafana's Explore to list Pyroscope series)");
            return 2;
        }
        string type = options.Type ?? "cpu";
        if (PyroscopeProfileTypes.ProfileTypeId(type) == null)
        {
            stderr.WriteLine(Prefix + $"unknown -type {type} for Pyroscope (a kind: {string.Join(", ", PyroscopeProfileTypes.Known)}, or NAME:SAMPLE_TYPE:UNIT:PERIOD_TYPE:PERIOD_UNIT)");
            return 2;
        }
        string selector = options.PyroscopeQuery ?? Selector(options);
        var pyroscope = new PyroscopeOptions { Url = options.Pyroscope, TenantId = Environment.GetEnvironmentVariable("DOTNET_PPROF_PYROSCOPE_TENANT") is { Length: > 0 } t ? t : null };
        try
        {
            using var client = new PyroscopeClient(pyroscope);
            var profile = client.SelectMergeProfileAsync(type, selector, options.From, options.To, cancellationToken).GetAwaiter().GetResult();
            if (profile.Samples.Count == 0)
            {
                stderr.WriteLine(Prefix + $"no {type} profiles match {selector} from {HistoryTime.Format(options.From)} to {HistoryTime.Format(options.To)} in {client.BaseUrl}");
                return 1;
            }
            if (options.Output != null)
            {
                using (var f = File.Create(options.Output)) profile.Write(f);
                stderr.WriteLine(Prefix + $"wrote {options.Output}: {type} {selector} from {HistoryTime.Format(options.From)} to {HistoryTime.Format(options.To)}, {profile.Samples.Count} samples");
            }
            else
            {
                profile.Write(stdout);
                stdout.Flush();
            }
            return 0;
        }
        catch (Exception e) when (e is HttpRequestException or Pprof.Profiles.ProfileFormatException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            stderr.WriteLine(Prefix + e.Message);
            return 1;
        }
    }

    /// <summary>A Prometheus-style selector from -service and -labels: <c>{service_name="shop",env="prod"}</c>.</summary>
    private static string Selector(HistoryOptions o)
    {
        var parts = new List<string>();
        if (o.Service != null) parts.Add($"service_name=\"{Escape(o.Service)}\"");
        foreach (var kv in o.Labels) parts.Add($"{PyroscopeClient.LabelName(kv.Key)}=\"{Escape(kv.Value)}\"");
        return "{" + string.Join(",", parts) + "}";
    }

    private static string Escape(string v)
    {
        var sb = new StringBuilder(v.Length);
        foreach (char c in v) sb.Append(c is '"' or '\\' ? "\\" + c : c == '\n' ? "\\n" : c.ToString());
        return sb.ToString();
    }
}
