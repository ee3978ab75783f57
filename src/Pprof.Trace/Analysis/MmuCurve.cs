namespace Pprof.Traces.Analysis;

/// <summary>Minimum mutator utilization (MMU), as <c>go tool trace</c> draws it: for a window size <c>w</c>, the
/// smallest share of any <c>w</c>-long window of the trace that was not spent in a GC pause (the runtime stopped every
/// managed thread, SuspendEEStart to RestartEEStop). MMU(w) = 1 − (the most pause time any window of size w holds) ÷ w.
/// A curve near 1 at small windows means GC pauses never take a large share of a short interval.</summary>
public static class MmuCurve
{
    /// <summary>The GC pauses of <paramref name="trace"/>, merged where they overlap, clipped to the trace and in time order.</summary>
    public static IReadOnlyList<(long StartNanos, long EndNanos)> Pauses(NetTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return Timeline(trace).Pauses;
    }

    /// <summary>The window sizes of the curve: 1 ms, then <paramref name="pointsPerDecade"/> sizes per power of ten up to
    /// and including the trace's length (a single point when the trace is 1 ms or shorter; none when it is empty).</summary>
    public static IReadOnlyList<long> Windows(long durationNanos, int pointsPerDecade = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pointsPerDecade, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pointsPerDecade, 1000);
        var windows = new List<long>();
        if (durationNanos <= 0) return windows;
        const long first = 1_000_000;
        if (durationNanos <= first) return new[] { durationNanos };
        for (int i = 0; ; i++)
        {
            long w = (long)Math.Round(first * Math.Pow(10, (double)i / pointsPerDecade));
            if (w >= durationNanos) break;
            if (windows.Count == 0 || w > windows[^1]) windows.Add(w);
        }
        windows.Add(durationNanos);
        return windows;
    }

    /// <summary>The MMU curve of <paramref name="trace"/> at <see cref="Windows"/>.</summary>
    public static IReadOnlyList<MmuPoint> Compute(NetTrace trace, int pointsPerDecade = 10)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return Compute(Timeline(trace), trace.DurationNanos, Windows(trace.DurationNanos, pointsPerDecade));
    }

    /// <summary>The MMU curve of a run of <paramref name="durationNanos"/> with <paramref name="pauses"/> (any order; they
    /// may overlap; clipped to the run) at each of <paramref name="windows"/> (a window longer than the run counts as the
    /// whole run). Each point takes O(n log n) for n pauses.</summary>
    public static IReadOnlyList<MmuPoint> Compute(IEnumerable<(long StartNanos, long EndNanos)> pauses, long durationNanos, IReadOnlyList<long> windows)
    {
        ArgumentNullException.ThrowIfNull(pauses);
        ArgumentNullException.ThrowIfNull(windows);
        return Compute(new PauseTimeline(pauses, durationNanos), durationNanos, windows);
    }

    /// <summary>MMU at one window size (see <see cref="Compute(IEnumerable{ValueTuple{long, long}}, long, IReadOnlyList{long})"/>).</summary>
    public static MmuPoint At(IEnumerable<(long StartNanos, long EndNanos)> pauses, long durationNanos, long windowNanos)
    {
        ArgumentNullException.ThrowIfNull(pauses);
        return At(new PauseTimeline(pauses, durationNanos), durationNanos, windowNanos);
    }

    private static PauseTimeline Timeline(NetTrace trace)
    {
        var raw = new List<(long, long)>(trace.Gcs.Count);
        foreach (var g in trace.Gcs)
        {
            if (g.PauseNanos > 0) raw.Add((g.PauseStartNanos, g.PauseEndNanos));
        }
        return new PauseTimeline(raw, trace.DurationNanos);
    }

    private static MmuPoint[] Compute(PauseTimeline timeline, long durationNanos, IReadOnlyList<long> windows)
    {
        var points = new MmuPoint[windows.Count];
        for (int i = 0; i < windows.Count; i++) points[i] = At(timeline, durationNanos, windows[i]);
        return points;
    }

    private static MmuPoint At(PauseTimeline timeline, long duration, long window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, 0);
        if (duration <= 0) return new MmuPoint(window, 1, 0);
        long w = Math.Min(window, duration);
        // The pause time in [t, t + w) is piecewise linear in t, bending where a window edge meets a pause edge, so it is
        // largest for a window that starts where a pause starts or ends where a pause ends.
        long worst = 0, worstStart = 0;
        var pauses = timeline.Pauses;
        for (int i = 0; i < pauses.Count; i++)
        {
            for (int k = 0; k < 2; k++)
            {
                long t = Math.Clamp(k == 0 ? pauses[i].StartNanos : pauses[i].EndNanos - w, 0, duration - w);
                long inPause = timeline.Between(t, t + w);
                if (inPause > worst)
                {
                    worst = inPause;
                    worstStart = t;
                }
            }
        }
        return new MmuPoint(window, 1 - (double)worst / w, worstStart);
    }
}
