using Pprof.Profiles;
using Pprof.Runtime.Collectors;

namespace Pprof.Runtime.Internal;

/// <summary>The registry of runtime profile kinds: name, description and how to collect one. The CLI's
/// <c>collect</c> subcommand and the in-process API dispatch through it. To add a kind, add an entry here: either
/// an event collector factory (collected by <see cref="SessionCollection"/>) or a custom collect function.</summary>
internal static class ProfileKinds
{
    /// <summary>One profile kind.</summary>
    /// <param name="Name">The name used on the command line and by <c>Profiler.Lookup</c>.</param>
    /// <param name="Description">One line for help output.</param>
    /// <param name="Kind">The enum value, for the kinds this library knows; null for kinds added by others.</param>
    /// <param name="CreateCollector">Makes an event collector; null when <paramref name="Collect"/> is given.</param>
    /// <param name="Collect">Collects from a process over a duration; null for event-collector kinds.</param>
    internal sealed record Entry(
        string Name,
        string Description,
        ProfileKind? Kind,
        Func<EventCollector>? CreateCollector,
        Func<int, TimeSpan, IProgress<TimeSpan>?, CancellationToken, Task<Profile>>? Collect = null);

    private static readonly List<Entry> s_entries = new()
    {
        new("cpu", "on-CPU time by stack, native frames included (every thread sampled on its own CPU clock through perf_event_open, 100 Hz; where Linux does not allow it, estimated from the runtime's thread sampler)", ProfileKind.Cpu, () => new OnCpu.CpuCollector()),
        new("wall", "wall-clock time of every thread, on and off CPU, labelled thread_state (running, runnable, sleeping, lock, wait, io)", ProfileKind.Wall, () => new SampleCollector(SampleMode.Wall)),
        new("allocs", "sampled allocations, upscaled (alloc_space, alloc_objects)", ProfileKind.Allocs, () => new AllocationCollector()),
        new("heap", "sampled allocations followed until they die, by allocation stack (inuse_space, inuse_objects, alloc_space, alloc_objects)", ProfileKind.Heap, () => new HeapCollector()),
        new("mutex", "lock contention delay by waiting stack", ProfileKind.Mutex, () => new ContentionCollector()),
        new("block", "time blocked in waits (Task.Wait, .Result, WaitOne, Monitor.Wait, SemaphoreSlim.Wait, Sleep, Join)", ProfileKind.Block, () => new SampleCollector(SampleMode.Block)),
        new("threadcreate", "thread creation by creating stack", ProfileKind.ThreadCreate, () => new ThreadCreateCollector()),
        new("exceptions", "thrown exceptions by throw stack, type as a label", ProfileKind.Exceptions, () => new ExceptionCollector()),
        new("retention", "live objects after a full GC by retention path (inuse_space, inuse_objects, retained_space)", null, null, Heap.HeapNamedProfile.CollectKind),
        new("goroutine", "every thread's stack and every pending async operation (goroutine/count)", null, null, Goroutine.GoroutineNamedProfile.CollectKind),
    };

    /// <summary>All kinds, in registration order.</summary>
    public static IReadOnlyList<Entry> All
    {
        get
        {
            lock (s_entries) return s_entries.ToArray();
        }
    }

    /// <summary>Adds (or replaces) a kind.</summary>
    public static void Register(Entry entry)
    {
        lock (s_entries)
        {
            s_entries.RemoveAll(e => e.Name == entry.Name);
            s_entries.Add(entry);
        }
    }

    public static Entry? Find(string name)
    {
        lock (s_entries) return s_entries.Find(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    public static Entry Get(ProfileKind kind)
    {
        lock (s_entries) return s_entries.Find(e => e.Kind == kind) ?? throw new ArgumentOutOfRangeException(nameof(kind));
    }

    public static string NameOf(ProfileKind kind) => Get(kind).Name;
}
