using Pprof.History;

namespace Pprof.Cli.History;

/// <summary>The flags of <c>dotnet-pprof history</c>, Go-style (<c>-flag value</c> or <c>-flag=value</c>, one or two
/// dashes), so that relative times such as <c>-from -1h</c> read naturally. <see cref="TryParse"/> is the only parser:
/// a new flag is a property here and a case in <see cref="TryParse"/>.</summary>
internal sealed class HistoryOptions
{
    internal const string UsageText = """
        Usage: dotnet-pprof history [flags]

        Reads the embedded profile history (written by dotnet-pprof agent or AddContinuousProfiling) and merges the
        profiles that match into one profile, or lists what the store holds.

        Flags:
          -store DIR         the store (default $DOTNET_PPROF_STORE, else ~/.dotnet-pprof/store)
          -service NAME      only this service
          -type TYPE         profile type: cpu, allocs, mutex, block, exceptions, goroutine (needed when several match)
          -from TIME         start of the range, inclusive (default -1h)
          -to TIME           end of the range, exclusive (default now)
          -labels k=v,...    only these labels: series labels (host, pid, version, ...) select series, others
                             (e.g. an endpoint set with Profiler.Labels) select samples
          -o FILE            write the merged profile (gzipped profile.proto) to FILE; without -o it goes to standard
                             output, which must not be a terminal
          -list              print the series: services, types, label values, time ranges, profile counts
          -pyroscope URL     read from a Grafana Pyroscope server instead of the store (http://host:4040;
                             user:password@ for basic auth, $DOTNET_PPROF_PYROSCOPE_TENANT for X-Scope-OrgID)
          -query SELECTOR    with -pyroscope: the label selector, e.g. '{service_name="shop"}' (default: from
                             -service and -labels); -type defaults to cpu
          -http=HOST:PORT    serve the history UI: a timeline (samples per type, memory) above the analysis web UI of
                             the range you select (docs/history-ui.md); -no_browser: do not open a browser
        TIME: now, relative (-1h, -30m, -1h30m, -7d), RFC 3339 (2026-03-01T12:00:00Z, 2026-03-01), or Unix seconds.

        Read the merged profile with dotnet-pprof or go tool pprof: dotnet-pprof -top merged.pb.gz

        """;

    /// <summary>The store directory.</summary>
    public string Store { get; set; } = ProfileStore.DefaultDirectory;

    /// <summary>Only this service; null: all.</summary>
    public string? Service { get; set; }

    /// <summary>Only this profile type; null: all (a merge then needs exactly one to match).</summary>
    public string? Type { get; set; }

    /// <summary>Start of the range (UTC, inclusive).</summary>
    public DateTime From { get; set; }

    /// <summary>End of the range (UTC, exclusive).</summary>
    public DateTime To { get; set; }

    /// <summary>Labels that must match.</summary>
    public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

    /// <summary>The output file; null: standard output.</summary>
    public string? Output { get; set; }

    /// <summary>Print the series instead of merging.</summary>
    public bool List { get; set; }

    /// <summary>A Grafana Pyroscope server to read from instead of the store; null: the store.</summary>
    public Uri? Pyroscope { get; set; }

    /// <summary>With <see cref="Pyroscope"/>: the label selector; null: built from the service and labels.</summary>
    public string? PyroscopeQuery { get; set; }

    /// <summary>Print the usage.</summary>
    public bool Help { get; set; }

    /// <summary>-http=[host]:[port]: serve the history UI (timeline and analysis UI) instead of merging.</summary>
    public string? Http { get; set; }

    /// <summary>-no_browser: with -http, do not open a browser.</summary>
    public bool NoBrowser { get; set; }

    /// <summary>The query these options describe.</summary>
    public HistoryQuery Query => new() { Service = Service, Type = Type, From = From, To = To, Labels = Labels };

    /// <summary>Parses the arguments after <c>history</c>; on failure <paramref name="error"/> is one line for the user.</summary>
    public static bool TryParse(string[] args, DateTime now, out HistoryOptions options, out string error)
    {
        options = new HistoryOptions();
        error = "";
        string from = "-1h", to = "now";
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a.Length < 2 || a[0] != '-')
            {
                error = $"unexpected argument {a} (the verb takes flags only)";
                return false;
            }
            string flag = a.StartsWith("--", StringComparison.Ordinal) ? a[2..] : a[1..];
            string? value = null;
            int eq = flag.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = flag[(eq + 1)..];
                flag = flag[..eq];
            }
            switch (flag)
            {
                case "h" or "help":
                    options.Help = true;
                    continue;
                case "list":
                    if (value != null && !bool.TryParse(value, out bool list))
                    {
                        error = $"invalid value \"{value}\" for -list";
                        return false;
                    }
                    options.List = value == null || bool.Parse(value);
                    continue;
                case "no_browser":
                    options.NoBrowser = value == null || value == "true";
                    continue;
                case "store" or "service" or "type" or "from" or "to" or "labels" or "o" or "pyroscope" or "query" or "http":
                    break;
                default:
                    error = $"flag provided but not defined: -{flag}";
                    return false;
            }
            if (value == null)
            {
                if (i + 1 >= args.Length)
                {
                    error = $"flag needs an argument: -{flag}";
                    return false;
                }
                value = args[++i];
            }
            if (value.Length == 0 && flag != "labels")
            {
                error = $"-{flag} needs a value";
                return false;
            }
            switch (flag)
            {
                case "store": options.Store = value; break;
                case "service": options.Service = value; break;
                case "type": options.Type = value; break;
                case "from": from = value; break;
                case "to": to = value; break;
                case "o": options.Output = value; break;
                case "query": options.PyroscopeQuery = value; break;
                case "pyroscope":
                    if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                    {
                        error = $"invalid -pyroscope \"{value}\" (an http:// or https:// URL, e.g. http://localhost:4040)";
                        return false;
                    }
                    options.Pyroscope = url;
                    break;
                case "http": options.Http = value; break;
                case "labels":
                    if (!TryParseLabels(value, options.Labels, out error)) return false;
                    break;
            }
        }
        if (!HistoryTime.TryParse(from, now, out var f))
        {
            error = $"invalid -from \"{from}\" (want now, -1h, -30m, RFC 3339 such as 2026-03-01T12:00:00Z, or Unix seconds)";
            return false;
        }
        if (!HistoryTime.TryParse(to, now, out var t))
        {
            error = $"invalid -to \"{to}\" (want now, -1h, -30m, RFC 3339 such as 2026-03-01T12:00:00Z, or Unix seconds)";
            return false;
        }
        if (t <= f && !options.List)
        {
            error = $"empty time range: -from {HistoryTime.Format(f)} is not before -to {HistoryTime.Format(t)}";
            return false;
        }
        options.From = f;
        options.To = t;
        return true;
    }

    private static bool TryParseLabels(string text, Dictionary<string, string> labels, out string error)
    {
        error = "";
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = $"invalid -labels \"{text}\" (want key=value,key=value)";
                return false;
            }
            string key = part[..eq].Trim();
            if (labels.TryGetValue(key, out string? existing) && existing != part[(eq + 1)..].Trim())
            {
                error = $"invalid -labels \"{text}\": {key} given twice";
                return false;
            }
            labels[key] = part[(eq + 1)..].Trim();
        }
        return true;
    }
}
