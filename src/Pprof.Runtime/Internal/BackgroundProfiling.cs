using Pprof.Profiles;
using Pprof.Runtime.Collectors;

namespace Pprof.Runtime.Internal;

/// <summary>The in-process, always-on profiles (allocs, mutex, block, threadcreate, exceptions): one EventPipe session on
/// this process with the keywords of the enabled kinds. Switching a kind on or off restarts the session; the collectors,
/// and what they have accumulated, survive the restart.</summary>
internal static class BackgroundProfiling
{
    private static readonly object s_lock = new();
    private static readonly Dictionary<ProfileKind, (EventCollector Collector, DateTime Since)> s_collectors = new();
    private static readonly HashSet<ProfileKind> s_enabled = new();
    private static EventSession? s_session;
    private static int s_restarts;

    /// <summary>How many times the session was (re)started or stopped by a change (for tests).</summary>
    public static int Restarts => Volatile.Read(ref s_restarts);

    public static bool IsEnabled(ProfileKind kind)
    {
        lock (s_lock) return s_enabled.Contains(kind);
    }

    /// <summary>Switches <paramref name="kind"/> on or off; <paramref name="configure"/> adjusts its collector.</summary>
    public static void Set(ProfileKind kind, bool on, Action<EventCollector>? configure = null)
    {
        lock (s_lock)
        {
            if (on && !s_collectors.ContainsKey(kind))
                s_collectors[kind] = (ProfileKinds.Get(kind).CreateCollector!(), DateTime.UtcNow);
            if (s_collectors.TryGetValue(kind, out var c)) configure?.Invoke(c.Collector);
            bool changed = on ? s_enabled.Add(kind) : s_enabled.Remove(kind);
            if (changed) Restart();
        }
    }

    /// <summary>Switches several kinds on or off with at most one session restart (what an application does at start).</summary>
    public static void SetMany(IReadOnlyList<(ProfileKind Kind, bool On, Action<EventCollector>? Configure)> changes)
    {
        lock (s_lock)
        {
            bool changed = false;
            foreach (var (kind, on, configure) in changes)
            {
                if (on && !s_collectors.ContainsKey(kind))
                    s_collectors[kind] = (ProfileKinds.Get(kind).CreateCollector!(), DateTime.UtcNow);
                if (s_collectors.TryGetValue(kind, out var c)) configure?.Invoke(c.Collector);
                changed |= on ? s_enabled.Add(kind) : s_enabled.Remove(kind);
            }
            if (changed) Restart();
        }
    }

    private static void Restart()
    {
        Interlocked.Increment(ref s_restarts);
        s_session?.Stop(SessionCollection.StopTimeout);
        s_session = null;
        if (s_enabled.Count == 0) return;
        var collectors = s_enabled.Select(k => s_collectors[k].Collector).ToArray();
        s_session = EventSession.Start(Environment.ProcessId, collectors);
    }

    /// <summary>The kind's profile since it was first switched on (empty, with a comment saying how to switch it on,
    /// when it never was).</summary>
    public static Profile Snapshot(ProfileKind kind, string howToEnable, CancellationToken cancellationToken = default)
    {
        EventCollector collector;
        DateTime since;
        List<string> comments = new();
        lock (s_lock)
        {
            if (!s_collectors.TryGetValue(kind, out var c))
            {
                c = (ProfileKinds.Get(kind).CreateCollector!(), DateTime.UtcNow);
                comments.Add($"{ProfileKinds.NameOf(kind)} profiling is off: {howToEnable}");
            }
            else if (!s_enabled.Contains(kind))
            {
                comments.Add($"{ProfileKinds.NameOf(kind)} profiling is off now; the profile shows what was recorded while it was on");
            }
            collector = c.Collector;
            since = c.Since;
            int lost = s_session?.EventsLost ?? 0;
            if (lost > 0) comments.Add($"{lost} events lost (EventPipe buffer overflow): the profile undercounts");
        }
        // The heap profile reflects the last garbage collection before the call (the one ?gc=1 forces, say): its events
        // are processed a moment after it ends.
        if (collector is HeapCollector heap && IsEnabled(kind) && !heap.WaitForGc(GC.CollectionCount(0), HeapGcWait, cancellationToken))
            comments.Add($"the events of the last garbage collection had not been processed after {HeapGcWait.TotalSeconds:0.#}s: inuse_ is as of an earlier one");
        return collector.Snapshot(since, DateTime.UtcNow - since, comments);
    }

    /// <summary>Longest wait of a heap snapshot for the events of the last garbage collection.</summary>
    public static TimeSpan HeapGcWait { get; set; } = TimeSpan.FromSeconds(5);
}
