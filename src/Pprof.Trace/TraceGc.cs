namespace Pprof.Traces;

/// <summary>A garbage collection.</summary>
/// <param name="Number">The GC's number (GCStart's Count).</param>
/// <param name="Generation">The generation collected (0, 1, 2).</param>
/// <param name="Reason">Why (the runtime's GCReason, e.g. AllocSmall, Induced).</param>
/// <param name="Type">NonConcurrentGC, BackgroundGC or ForegroundGC.</param>
/// <param name="StartNanos">GCStart, nanoseconds since the start of the trace.</param>
/// <param name="EndNanos">GCEnd.</param>
/// <param name="PauseStartNanos">The start of the execution-engine suspension for it (SuspendEEStart); -1 when none was seen.</param>
/// <param name="PauseEndNanos">The end of the restart (RestartEEStop); -1 when none was seen.</param>
/// <param name="HeapSizeAfter">Bytes in the generations after the GC (GCHeapStats); -1 when unknown.</param>
public sealed record TraceGc(int Number, int Generation, string Reason, string Type, long StartNanos, long EndNanos, long PauseStartNanos, long PauseEndNanos, long HeapSizeAfter)
{
    /// <summary>Bytes in the generations before the GC (the GCPerHeapHistory events' sizes before, summed over heaps and
    /// generations); -1 when unknown.</summary>
    public long HeapSizeBefore { get; init; } = -1;

    /// <summary>How long managed threads were stopped for this GC, nanoseconds (0 when no suspension was seen).</summary>
    public long PauseNanos => PauseStartNanos >= 0 && PauseEndNanos >= PauseStartNanos ? PauseEndNanos - PauseStartNanos : 0;
}
