namespace Pprof.Cli.Trace.Web;

/// <summary>One lane of the timeline: a thread and what it did, as disjoint state intervals in time order.</summary>
internal sealed class TimelineLane
{
    public TimelineLane(int index, int threadId, string name, string group, long[] starts, long[] ends, byte[] states)
    {
        Index = index;
        ThreadId = threadId;
        Name = name;
        Group = group;
        Starts = starts;
        Ends = ends;
        States = states;
    }

    /// <summary>The lane's position, top to bottom.</summary>
    public int Index { get; }

    /// <summary>The thread's operating-system id.</summary>
    public int ThreadId { get; }

    /// <summary>The thread's name and id, e.g. <c>lock-1 (4711)</c>.</summary>
    public string Name { get; }

    /// <summary>The group the lane is shown in: <c>threads</c> or <c>thread pool</c>.</summary>
    public string Group { get; }

    /// <summary>Interval starts (nanoseconds since the start of the trace), ascending.</summary>
    public long[] Starts { get; }

    /// <summary>Interval ends; <c>Ends[i] &lt;= Starts[i + 1]</c>.</summary>
    public long[] Ends { get; }

    /// <summary>Interval states: indexes into <see cref="TimelineModel.States"/>.</summary>
    public byte[] States { get; }

    /// <summary>The first interval that ends after <paramref name="time"/> (binary search; ends ascend as the
    /// intervals are disjoint).</summary>
    public int FirstEndingAfter(long time)
    {
        int lo = 0, hi = Ends.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Ends[mid] <= time) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
