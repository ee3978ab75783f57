namespace Pprof.Traces;

/// <summary>A thread sample: where the thread was at <paramref name="TimeNanos"/>.</summary>
/// <param name="ThreadId">The thread.</param>
/// <param name="TimeNanos">Nanoseconds since the start of the trace.</param>
/// <param name="StackId">Index into <see cref="NetTrace.Stacks"/>.</param>
/// <param name="Managed">True when the thread ran managed code; false when it was in native code (waiting, in a system
/// call, or running native code).</param>
public readonly record struct TraceSample(int ThreadId, long TimeNanos, int StackId, bool Managed);
