namespace Pprof.Traces.Analysis;

/// <summary>Merged, sorted GC pauses with prefix sums: the pause time in any interval in O(log n).</summary>
internal sealed class PauseTimeline
{
    private readonly List<(long StartNanos, long EndNanos)> _pauses;
    private readonly long[] _prefix;

    /// <summary>Takes pauses in any order, possibly overlapping; clips them to [0, <paramref name="durationNanos"/>].</summary>
    public PauseTimeline(IEnumerable<(long StartNanos, long EndNanos)> pauses, long durationNanos)
    {
        var list = new List<(long StartNanos, long EndNanos)>();
        foreach (var (s, e) in pauses)
        {
            long start = Math.Max(s, 0), end = Math.Min(e, durationNanos);
            if (end > start) list.Add((start, end));
        }
        list.Sort((a, b) => a.StartNanos.CompareTo(b.StartNanos));
        _pauses = new List<(long StartNanos, long EndNanos)>(list.Count);
        foreach (var p in list)
        {
            if (_pauses.Count > 0 && p.StartNanos <= _pauses[^1].EndNanos) _pauses[^1] = (_pauses[^1].StartNanos, Math.Max(_pauses[^1].EndNanos, p.EndNanos));
            else _pauses.Add(p);
        }
        _prefix = new long[_pauses.Count + 1];
        for (int i = 0; i < _pauses.Count; i++) _prefix[i + 1] = _prefix[i] + (_pauses[i].EndNanos - _pauses[i].StartNanos);
    }

    /// <summary>The merged pauses in time order.</summary>
    public IReadOnlyList<(long StartNanos, long EndNanos)> Pauses => _pauses;

    /// <summary>Pause time in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public long Between(long from, long to) => to <= from ? 0 : Before(to) - Before(from);

    /// <summary>Pause time in [0, x).</summary>
    private long Before(long x)
    {
        int lo = 0, hi = _pauses.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_pauses[mid].StartNanos < x) lo = mid + 1;
            else hi = mid;
        }
        // _pauses[0..lo) start before x; only the last of them can end after x.
        if (lo == 0) return 0;
        var last = _pauses[lo - 1];
        return _prefix[lo - 1] + Math.Min(last.EndNanos, x) - last.StartNanos;
    }
}
