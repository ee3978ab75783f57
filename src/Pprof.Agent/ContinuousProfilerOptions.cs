namespace Pprof.Agent;

/// <summary>What a <see cref="ContinuousProfiler"/> collects, how it labels it and where it sends it.</summary>
public sealed class ContinuousProfilerOptions
{
    /// <summary>The profile kinds taken as delta profiles every interval, through one EventPipe session per interval:
    /// cpu, allocs, mutex, block and exceptions by default (any event kind of <c>RuntimeProfiles.KindNames</c>: wall,
    /// threadcreate, heap… may be added).</summary>
    public IList<string> ProfileTypes { get; } = new List<string> { "cpu", "allocs", "mutex", "block", "exceptions" };

    /// <summary>Time covered by each batch of profiles: 15 s by default, as the Pyroscope SDKs; at least 1 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The <c>service_name</c> of every profile. Default: the entry assembly's name (in-process) or the
    /// process name (<c>app</c> for <c>dotnet app.dll</c>).</summary>
    public string? Service { get; set; }

    /// <summary>The <c>version</c> label. Default: the entry assembly's informational version in-process, none from
    /// outside.</summary>
    public string? Version { get; set; }

    /// <summary>Labels added to every profile and stats point, next to <c>host</c>, <c>pid</c> and <c>version</c>.
    /// Labels set in code with <c>Profiler.Labels</c> stay on the samples they belong to.</summary>
    public IDictionary<string, string> Labels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Whether batches go to the embedded profile store (<see cref="StoreDirectory"/>). On by default.</summary>
    public bool UseStore { get; set; } = true;

    /// <summary>The embedded store's directory; null: <c>$DOTNET_PPROF_STORE</c>, else <c>~/.dotnet-pprof/store</c>.</summary>
    public string? StoreDirectory { get; set; }

    /// <summary>Retention, size limit and downsampling of the embedded store; null: its defaults (7 days, 2 GiB).</summary>
    public Pprof.History.ProfileStoreOptions? StoreOptions { get; set; }

    /// <summary>A Grafana Pyroscope server to push every batch to (besides the store, unless
    /// <see cref="UseStore"/> is false); null: no push.</summary>
    public PyroscopeOptions? Pyroscope { get; set; }

    /// <summary>Further sinks (each gets its own bounded queue). The profiler disposes them when it stops.</summary>
    public IList<IProfileBatchSink> Sinks { get; } = new List<IProfileBatchSink>();

    /// <summary>Batches waiting for each sink: when a sink is slower than the interval, the oldest waiting batch is
    /// dropped (and counted in <see cref="ContinuousProfiler.DroppedBatches"/>) so memory stays bounded. Default 4.</summary>
    public int MaxQueuedBatches { get; set; } = 4;

    /// <summary>How long stopping waits for queued batches to be written before dropping them. Default 5 s.</summary>
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Take a goroutine profile (every thread's stack and every pending async operation, type
    /// <c>goroutine</c>) every this many intervals; its sample count is the <c>goroutines</c> stat. 0 (the default):
    /// never, because the snapshot pauses the process (40–200 ms from outside, more in-process); the
    /// <c>thread_count</c> stat is there every interval.</summary>
    public int GoroutineProfileEvery { get; set; }

    /// <summary>For <see cref="ContinuousProfiler.AttachAll"/>: how often the user's .NET processes are listed to
    /// follow the ones that start and stop. Default 5 s.</summary>
    public TimeSpan DiscoveryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Receives one line per notable event (a sink failing, batches dropped, a process followed or gone).
    /// Null: nothing is logged.</summary>
    public Action<string>? Log { get; set; }
}
