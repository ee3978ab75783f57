namespace Pprof.Traces.Analysis;

/// <summary>One point of a minimum mutator utilization curve.</summary>
/// <param name="WindowNanos">The window size, nanoseconds.</param>
/// <param name="Utilization">The smallest fraction, over every window of this size within the trace, of the window's
/// time in which the application's threads were not stopped for a GC (0 to 1).</param>
/// <param name="WorstWindowStartNanos">Where a window with that utilization starts (nanoseconds since the start of the
/// trace).</param>
public readonly record struct MmuPoint(long WindowNanos, double Utilization, long WorstWindowStartNanos);
