using Pprof.Profiles;
using Pprof.Runtime.Collectors;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime;

/// <summary>Collects runtime profiles from a .NET process (this one or another, no code change in the target) over
/// a duration, through an EventPipe session. Safe to call concurrently; a second CPU profile of the same process
/// fails with "cpu profiling already in use".</summary>
public static class RuntimeProfiles
{
    /// <summary>Collects a profile of <paramref name="kind"/> from process <paramref name="processId"/> for
    /// <paramref name="duration"/> (less when cancelled or when the process exits; the profile then covers the time
    /// collected). Throws <see cref="ProfilerException"/> when the process cannot be profiled.</summary>
    public static Task<Profile> CollectAsync(int processId, ProfileKind kind, TimeSpan duration, CancellationToken cancellationToken = default)
        => SessionCollection.CollectAsync(processId, ProfileKinds.Get(kind), duration, null, cancellationToken);

    /// <summary>Collects a profile by kind name (see <see cref="Kinds"/>), reporting progress to
    /// <paramref name="progress"/>. Event kinds cover <paramref name="duration"/> (less when cancelled: the profile then
    /// covers the time collected); snapshot kinds (<c>retention</c>, <c>goroutine</c>) are taken at once and stop, without a
    /// profile, when cancelled. Throws <see cref="ProfilerException"/> when the process cannot be profiled.</summary>
    public static Task<Profile> CollectAsync(int processId, string kind, TimeSpan duration, IProgress<CollectionProgress>? progress, CancellationToken cancellationToken = default)
        => SessionCollection.CollectAsync(processId, Find(kind), duration, progress, cancellationToken);

    /// <summary>Collects a profile by kind name from a runtime that connected through a diagnostic port (a command
    /// started by <see cref="RuntimeConnection.Launch"/>, or a process found by <see cref="RuntimeConnection.Listen"/>).
    /// Event kinds start before the runtime runs its first instruction and end when the process exits, when
    /// <paramref name="duration"/> (null: no limit) has passed or when cancelled, whichever comes first. Snapshot kinds
    /// let the process run for <paramref name="duration"/> (required; less when cancelled) and then take the snapshot;
    /// if the process has exited by then, <see cref="ProfilerException"/> says that nothing was collected.</summary>
    public static Task<Profile> CollectAsync(RuntimeConnection connection, string kind, TimeSpan? duration, IProgress<CollectionProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return SessionCollection.CollectAsync(connection, Find(kind), duration, progress, cancellationToken);
    }

    /// <summary>The profile kinds that can be collected, in the order help lists them.</summary>
    public static IReadOnlyList<RuntimeProfileKind> Kinds => ProfileKinds.All.Select(e => new RuntimeProfileKind(e.Name, e.Description, e.Collect != null)).ToArray();

    /// <summary>The names of the profile kinds that can be collected.</summary>
    public static IReadOnlyList<string> KindNames => ProfileKinds.All.Select(e => e.Name).ToArray();

    /// <summary>Collects several event kinds (for example <c>cpu</c>, <c>allocs</c>, <c>mutex</c>) from process
    /// <paramref name="processId"/> through ONE EventPipe session for <paramref name="duration"/>, one profile per kind
    /// in the order given: what a continuous profiler or a set of always-on profiles costs together. Snapshot kinds
    /// (<c>retention</c>, <c>goroutine</c>) cannot share a session and throw <see cref="ArgumentException"/>.</summary>
    public static async Task<IReadOnlyList<Profile>> CollectAsync(int processId, IReadOnlyList<string> kinds, TimeSpan duration, IProgress<CollectionProgress>? progress, CancellationToken cancellationToken = default)
        => await SessionCollection.CollectAsync(processId, Collectors(kinds), duration, progress, cancellationToken).ConfigureAwait(false);

    /// <summary>The EventPipe providers a session for <paramref name="kinds"/> enables, in dotnet-trace's
    /// <c>--providers</c> syntax (<c>name:0xKEYWORDS:LEVEL</c>, comma-separated): to record the same events with
    /// dotnet-trace or another EventPipe client.</summary>
    public static string DescribeProviders(IReadOnlyList<string> kinds) => EventSession.DescribeProviders(Collectors(kinds));

    /// <summary>The average number of bytes allocated between two allocation samples of the <c>allocs</c> profile (the
    /// runtime's <c>AllocationSampled</c> event), the counterpart of Go's <c>runtime.MemProfileRate</c>.</summary>
    public const double AllocationSamplingMeanBytes = AllocationCollector.SamplingMeanBytes;

    /// <summary>How many allocations of <paramref name="objectSize"/> bytes one allocation sample stands for: the factor
    /// the <c>allocs</c> profile multiplies each sample by (unbiased, as Go scales its heap profile samples).</summary>
    public static double AllocationSampleScale(long objectSize) => AllocationCollector.Upscale(objectSize);

    private static EventCollector[] Collectors(IReadOnlyList<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        return kinds.Select(k => Find(k).CreateCollector?.Invoke()
            ?? throw new ArgumentException($"\"{k}\" is a snapshot kind; it cannot share an event session", nameof(kinds))).ToArray();
    }

    private static ProfileKinds.Entry Find(string kind)
        => ProfileKinds.Find(kind) ?? throw new ProfilerException($"unknown profile kind \"{kind}\" (known: {string.Join(", ", KindNames)})");
}
