namespace Pprof.Agent;

/// <summary>How this library's profile kinds appear in Grafana Pyroscope: the <c>__name__</c> label (the names the
/// Pyroscope Go and .NET SDKs use) and the profile type id that queries select
/// (<c>NAME:SAMPLE_TYPE:UNIT:PERIOD_TYPE:PERIOD_UNIT</c>).</summary>
public static class PyroscopeProfileTypes
{
    private static readonly Dictionary<string, (string Name, string Id)> s_types = new(StringComparer.OrdinalIgnoreCase)
    {
        ["cpu"] = ("process_cpu", "process_cpu:cpu:nanoseconds:cpu:nanoseconds"),
        ["wall"] = ("wall", "wall:wall:nanoseconds:wall:nanoseconds"),
        ["allocs"] = ("memory", "memory:alloc_space:bytes:space:bytes"),
        ["heap"] = ("memory", "memory:inuse_space:bytes:space:bytes"),
        ["mutex"] = ("mutex", "mutex:delay:nanoseconds:contentions:count"),
        ["block"] = ("block", "block:delay:nanoseconds:contentions:count"),
        ["exceptions"] = ("exceptions", "exceptions:exceptions:count:exceptions:count"),
        ["threadcreate"] = ("threadcreate", "threadcreate:threadcreate:count:threadcreate:count"),
        ["goroutine"] = ("goroutines", "goroutines:goroutine:count:goroutine:count"),
    };

    /// <summary>The <c>__name__</c> label for profile kind <paramref name="type"/> (<c>cpu</c> → <c>process_cpu</c>,
    /// <c>allocs</c> → <c>memory</c>, <c>goroutine</c> → <c>goroutines</c>; other kinds keep their name).</summary>
    public static string MetricName(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return s_types.TryGetValue(type, out var t) ? t.Name : type;
    }

    /// <summary>The profile type id of kind <paramref name="type"/>'s default sample type (<c>cpu</c> →
    /// <c>process_cpu:cpu:nanoseconds:cpu:nanoseconds</c>); a text that already has the <c>:</c>-separated form is
    /// returned as it is; null for an unknown kind.</summary>
    public static string? ProfileTypeId(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.Split(':').Length == 5) return type;
        return s_types.TryGetValue(type, out var t) ? t.Id : null;
    }

    /// <summary>The kinds <see cref="ProfileTypeId"/> knows.</summary>
    public static IReadOnlyList<string> Known => s_types.Keys.ToArray();
}
