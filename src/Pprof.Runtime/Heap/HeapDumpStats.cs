namespace Pprof.Runtime.Heap;

/// <summary>What one heap snapshot session observed: timings (relative to the session, in ms), lost events, errors.</summary>
internal sealed class HeapDumpStats
{
    public double GcStartMs { get; set; }
    public double GcStopMs { get; set; }
    public double SuspendStartMs { get; set; }
    public double RestartMs { get; set; }
    public int EventsLost { get; set; }
    public bool Complete { get; set; }
    public Exception? ReadError { get; set; }
    public TimeSpan Elapsed { get; set; }

    /// <summary>How long the application was paused for the snapshot GC, in ms (0 when unknown).</summary>
    public double PauseMs => RestartMs > SuspendStartMs && SuspendStartMs > 0 ? RestartMs - SuspendStartMs : Math.Max(0, GcStopMs - GcStartMs);
}
