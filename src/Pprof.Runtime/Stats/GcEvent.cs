using System.Globalization;

namespace Pprof.Runtime.Stats;

/// <summary>One garbage collection of a traced process, from the runtime's GC events (GCStart, GCEnd, GCHeapStats,
/// GCSuspendEE/GCRestartEE, GCGlobalHeapHistory, GCPerHeapHistory, the CommittedUsage dynamic event). Sizes are bytes.
/// <see cref="ToString"/> is the line <c>dotnet-pprof gctrace</c> prints, in the spirit of Go's
/// <c>GODEBUG=gctrace=1</c>.</summary>
public sealed record GcEvent
{
    /// <summary>The GC's number in the process (the runtime's count, 1 for the first GC).</summary>
    public long Number { get; init; }

    /// <summary>The generation condemned: 0, 1 or 2 (2 also collects the LOH and POH).</summary>
    public int Generation { get; init; }

    /// <summary>Why it ran, as the runtime names it: AllocSmall, Induced, AllocLarge, LowMemory, InducedNotForced…</summary>
    public string Reason { get; init; } = "";

    /// <summary>NonConcurrentGC (blocking), BackgroundGC, or ForegroundGC (a blocking gen0/gen1 during a background GC).</summary>
    public string Type { get; init; } = "";

    /// <summary>When the GC started (UTC).</summary>
    public DateTime Time { get; init; }

    /// <summary>When it started, since the process started (Go's <c>@3.120s</c>).</summary>
    public TimeSpan SinceProcessStart { get; init; }

    /// <summary>Time the process's managed threads were suspended for this GC (for a background GC, the sum of its
    /// short pauses).</summary>
    public TimeSpan Pause { get; init; }

    /// <summary>GC heap size when the GC started (all generations, including garbage).</summary>
    public long HeapBeforeBytes { get; init; }

    /// <summary>GC heap size when it ended.</summary>
    public long HeapAfterBytes { get; init; }

    /// <summary>Bytes that survived the GC (promoted out of the condemned generations, or kept in gen2).</summary>
    public long PromotedBytes { get; init; }

    /// <summary>Memory the GC had committed from the operating system after this GC; null on runtimes before .NET 8
    /// (no CommittedUsage event).</summary>
    public long? CommittedBytes { get; init; }

    /// <summary>Percent of the time since tracing started that the process spent paused for GC, this GC included
    /// (Go prints the same since the program started).</summary>
    public double PausePercent { get; init; }

    /// <summary>The gctrace line: <c>gc 12 @3.120s 2%: gen1 (AllocSmall) pause 0.8 ms, 12->8 MB heap, 40 MB committed,
    /// 3 MB promoted</c> (MB = 1,000,000 bytes; a background GC adds its type).</summary>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        string type = Type == "BackgroundGC" ? " background" : Type == "ForegroundGC" ? " foreground" : "";
        string committed = CommittedBytes is long c ? string.Create(inv, $"{Mb(c)} MB committed, ") : "";
        return string.Create(inv,
            $"gc {Number} @{SinceProcessStart.TotalSeconds:0.000}s {PausePercent:0}%: gen{Generation}{type} ({Reason}) pause {Pause.TotalMilliseconds:0.###} ms, {Mb(HeapBeforeBytes)}->{Mb(HeapAfterBytes)} MB heap, {committed}{Mb(PromotedBytes)} MB promoted");
    }

    private static string Mb(long bytes)
    {
        double mb = bytes / 1e6;
        return mb >= 10 ? mb.ToString("0", CultureInfo.InvariantCulture) : mb.ToString("0.#", CultureInfo.InvariantCulture);
    }
}
