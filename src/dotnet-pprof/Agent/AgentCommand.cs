using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Pprof.Agent;
using Pprof.Cli.Collect;
using Pprof.History;
using Pprof.Runtime;

namespace Pprof.Cli.Agent;

/// <summary><c>dotnet-pprof agent -p PID | -n NAME | --all [-interval 15s] [-service NAME] [-labels k=v,…] [-store DIR]
/// [-no-store] [-push URL]</c>: continuous profiling from outside. Every interval, delta profiles (cpu, allocs, mutex,
/// block, exceptions) and a runtime stats point of the process (or of every .NET process of the user, followed as
/// they start and stop) go to the embedded store and/or a Grafana Pyroscope server, until Ctrl+C, <c>-d</c> or the
/// process exits.</summary>
internal static class AgentCommand
{
    public static Command Create(VerbContext context)
    {
        var target = new TargetOptions(withPort: false);
        var all = new Option<bool>("--all")
        {
            Description = "Profile every .NET process of this user (with -n: every one of that name), following the ones that start and stop.",
        };
        var interval = new Option<TimeSpan>("--interval", "-interval")
        {
            Description = "Time covered by each batch of profiles (at least 1s). Default 15s, as the Pyroscope SDKs.",
            HelpName = "duration",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(15),
            CustomParser = r => CollectCommands.ParseDurationOption(r, "interval", "at least 1s; examples: 15s, 1m, 00:00:30", TimeSpan.FromSeconds(1)) ?? default,
        };
        var duration = new Option<TimeSpan?>("--duration", "-d")
        {
            Description = "Stop after this long (default: until Ctrl+C, or until the process exits).",
            HelpName = "duration",
            CustomParser = r => CollectCommands.ParseDurationOption(r, "duration", "examples: 30s, 10m, 01:00:00"),
        };
        var service = new Option<string?>("--service", "-service")
        {
            Description = "The service_name of the profiles. Default: the process name ('app' for 'dotnet app.dll').",
            HelpName = "name",
        };
        var labels = new Option<IReadOnlyDictionary<string, string>>("--labels", "-labels")
        {
            Description = "Labels for every profile, k=v,k2=v2 (besides host, pid and version).",
            HelpName = "k=v,...",
            DefaultValueFactory = _ => new Dictionary<string, string>(),
            CustomParser = r => ParseLabels(r) ?? new Dictionary<string, string>(),
        };
        var types = new Option<string[]?>("--types", "-types")
        {
            Description = "The delta profiles taken, comma-separated. Default cpu,allocs,mutex,block,exceptions.",
            HelpName = "kind,...",
            CustomParser = r => ParseTypes(r),
        };
        var store = new Option<string?>("--store", "-store")
        {
            Description = "The embedded store's directory. Default: $DOTNET_PPROF_STORE, else ~/.dotnet-pprof/store.",
            HelpName = "dir",
        };
        var noStore = new Option<bool>("--no-store", "-no-store")
        {
            Description = "Do not write to the embedded store (with -push: Pyroscope only).",
        };
        var retention = new Option<TimeSpan?>("--retention", "-retention")
        {
            Description = "Delete stored profiles older than this (7d, 24h…). Default 7d.",
            HelpName = "duration",
            CustomParser = r => ParseRetention(r),
        };
        var maxSize = new Option<long?>("--max-size", "-max-size")
        {
            Description = "Keep the store under this size (500MB, 2GB; powers of 1024). Default 2GB.",
            HelpName = "size",
            CustomParser = r => ParseSize(r),
        };
        var push = new Option<Uri?>("--push", "-push")
        {
            Description = "Also push every batch to this Grafana Pyroscope server (http://host:4040; http://user:password@host for basic auth).",
            HelpName = "url",
            CustomParser = r => ParseUrl(r),
        };
        var tenant = new Option<string?>("--tenant", "-tenant")
        {
            Description = "The Pyroscope tenant (X-Scope-OrgID header).",
            HelpName = "id",
        };
        var basicAuth = new Option<string?>("--basic-auth", "-basic-auth")
        {
            Description = "Pyroscope basic authentication USER[:PASSWORD]; without a password, $DOTNET_PPROF_PUSH_PASSWORD is used.",
            HelpName = "user:password",
        };
        var headers = new Option<string[]>("--header", "-header")
        {
            Description = "An extra header for Pyroscope, 'Name: value' (repeatable).",
            HelpName = "header",
            AllowMultipleArgumentsPerToken = false,
            DefaultValueFactory = _ => Array.Empty<string>(),
        };
        var agent = new Command("agent", "Continuous profiling: every interval, delta profiles (cpu, allocs, mutex, block, exceptions) and runtime stats of a .NET process, or of all of them (--all), go to the embedded store (read with dotnet-pprof history) and/or Grafana Pyroscope (-push). Runs until Ctrl+C, -d, or the process exits.");
        target.AddTo(agent);
        agent.Add(all);
        agent.Add(interval);
        agent.Add(duration);
        agent.Add(service);
        agent.Add(labels);
        agent.Add(types);
        agent.Add(store);
        agent.Add(noStore);
        agent.Add(retention);
        agent.Add(maxSize);
        agent.Add(push);
        agent.Add(tenant);
        agent.Add(basicAuth);
        agent.Add(headers);
        agent.SetAction(r =>
        {
            bool everyProcess = r.GetValue(all);
            if (everyProcess && r.GetValue(target.ProcessId) != null) throw new ProfilerException("give -p or --all, not both");
            string? only = everyProcess ? r.GetValue(target.Name) : null;
            int? pid = everyProcess ? null : target.Resolve(r);
            var options = new ContinuousProfilerOptions
            {
                Interval = r.GetValue(interval),
                Service = r.GetValue(service),
                StoreDirectory = r.GetValue(store),
                UseStore = !r.GetValue(noStore),
                Log = line => context.Err.WriteLine($"dotnet-pprof agent: {line}"),
            };
            foreach (var kv in r.GetValue(labels)!) options.Labels[kv.Key] = kv.Value;
            if (r.GetValue(types) is { Length: > 0 } kinds)
            {
                options.ProfileTypes.Clear();
                foreach (var k in kinds) options.ProfileTypes.Add(k);
            }
            if (r.GetValue(retention) != null || r.GetValue(maxSize) != null)
            {
                options.StoreOptions = new ProfileStoreOptions();
                if (r.GetValue(retention) is TimeSpan k) options.StoreOptions.Retention = k;
                if (r.GetValue(maxSize) is long size) options.StoreOptions.MaxSizeBytes = size;
            }
            if (r.GetValue(push) is Uri url) options.Pyroscope = PushOptions(url, r.GetValue(tenant), r.GetValue(basicAuth), r.GetValue(headers)!);
            else if (r.GetValue(tenant) != null || r.GetValue(basicAuth) != null || r.GetValue(headers)!.Length > 0)
                throw new ProfilerException("-tenant, -basic-auth and -header are for -push");
            if (!options.UseStore && options.Pyroscope == null) throw new ProfilerException("-no-store without -push: the profiles would go nowhere");
            return Run(pid, only, options, r.GetValue(duration), context);
        });
        return agent;
    }

    private static PyroscopeOptions PushOptions(Uri url, string? tenant, string? basicAuth, string[] headers)
    {
        var o = new PyroscopeOptions { Url = url, TenantId = tenant };
        if (basicAuth != null)
        {
            int colon = basicAuth.IndexOf(':', StringComparison.Ordinal);
            o.BasicAuthUser = colon < 0 ? basicAuth : basicAuth[..colon];
            o.BasicAuthPassword = colon < 0 ? Environment.GetEnvironmentVariable("DOTNET_PPROF_PUSH_PASSWORD") ?? "" : basicAuth[(colon + 1)..];
        }
        foreach (string h in headers)
        {
            int colon = h.IndexOf(':', StringComparison.Ordinal);
            string name = colon < 0 ? "" : h[..colon].Trim();
            if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127 || c == ':')) throw new ProfilerException($"invalid -header \"{h}\" (Name: value)");
            o.Headers[name] = h[(colon + 1)..].Trim();
        }
        return o;
    }

    private static int Run(int? pid, string? only, ContinuousProfilerOptions options, TimeSpan? duration, VerbContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = !stop.IsCancellationRequested;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return RunAsync(pid, only, options, duration, context, stop.Token).GetAwaiter().GetResult();
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task<int> RunAsync(int? pid, string? only, ContinuousProfilerOptions options, TimeSpan? duration, VerbContext context, CancellationToken ct)
    {
        ContinuousProfiler profiler;
        try
        {
            profiler = pid is int p ? ContinuousProfiler.Attach(p, options)
                : ContinuousProfiler.AttachAll(options, only == null ? null : id => ProcessDiscovery.FindByName(only).Contains(id));
        }
        catch (ArgumentException e)
        {
            throw new ProfilerException(e.Message, e);
        }
        string what = pid is int id ? $"pid {id}" : only != null ? $"every .NET process named {only}" : "every .NET process of this user";
        context.Err.WriteLine($"dotnet-pprof agent: profiling {what} every {Format(options.Interval)} ({string.Join(",", options.ProfileTypes)}) to {string.Join(" and ", profiler.SinkNames)}; Ctrl+C stops");
        context.Err.Flush();
        await using (profiler.ConfigureAwait(false))
        {
            var wait = new List<Task> { profiler.Completion, Task.Delay(Timeout.Infinite, ct) };
            if (duration is TimeSpan d) wait.Add(Task.Delay(d, ct));
            try
            {
                await Task.WhenAny(wait).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        context.Err.WriteLine($"dotnet-pprof agent: {profiler.CollectedBatches} batches collected, {profiler.WrittenBatches} written, {profiler.DroppedBatches} dropped, {profiler.FailedBatches} failed");
        return profiler.CollectedBatches > 0 && profiler.WrittenBatches > 0 ? 0 : 1;
    }

    private static string Format(TimeSpan t) => t.TotalSeconds < 60 && t.TotalSeconds == Math.Floor(t.TotalSeconds)
        ? t.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s"
        : t.ToString("c", CultureInfo.InvariantCulture);

    private const int MaxLabels = 64;

    private static Dictionary<string, string>? ParseLabels(ArgumentResult r)
    {
        string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? part : part[..eq].Trim();
            if (eq <= 0 || key.Length > 128 || part.Length - eq > 1024 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(key[0])
                || key is "service_name" or "__name__")
            {
                r.AddError($"invalid -labels \"{text}\" (k=v,k2=v2; names of letters, digits and _, not service_name: use -service)");
                return null;
            }
            d[key] = part[(eq + 1)..].Trim();
        }
        if (d.Count > MaxLabels)
        {
            r.AddError($"too many -labels (at most {MaxLabels})");
            return null;
        }
        return d;
    }

    private static string[]? ParseTypes(ArgumentResult r)
    {
        string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        var known = RuntimeProfiles.Kinds.Where(k => !k.IsSnapshot).Select(k => k.Name).ToArray();
        var list = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (list.Length == 0 || list.Any(t => !known.Contains(t, StringComparer.OrdinalIgnoreCase)))
        {
            r.AddError($"invalid -types \"{text}\" (comma-separated, of: {string.Join(", ", known)})");
            return null;
        }
        return list;
    }

    private static TimeSpan? ParseRetention(ArgumentResult r)
    {
        string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        if (text.EndsWith('d') && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double days) && days > 0 && days <= 36500)
            return TimeSpan.FromDays(days);
        if (CollectCommands.TryParseDuration(text, out var d) && d >= TimeSpan.FromMinutes(1)) return d;
        r.AddError($"invalid -retention \"{text}\" (at least 1m; examples: 7d, 36h, 90m)");
        return null;
    }

    private static long? ParseSize(ArgumentResult r)
    {
        string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        string t = text.Trim().ToUpperInvariant();
        long unit = 1;
        foreach (var (suffix, scale) in new[] { ("TB", 1L << 40), ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("B", 1L) })
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal))
            {
                unit = scale;
                t = t[..^suffix.Length];
                break;
            }
        }
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v * unit >= 1 << 20 && v * unit <= 1L << 50)
            return (long)(v * unit);
        r.AddError($"invalid -max-size \"{text}\" (at least 1MB; examples: 500MB, 2GB)");
        return null;
    }

    private static Uri? ParseUrl(ArgumentResult r)
    {
        string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        if (Uri.TryCreate(text, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)) return u;
        r.AddError($"invalid -push \"{text}\" (an http:// or https:// URL, e.g. http://localhost:4040)");
        return null;
    }
}
