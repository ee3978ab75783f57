using Pprof.Profiles;
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

    /// <summary>Collects a profile by kind name (<c>cpu</c>, <c>wall</c>, <c>allocs</c>, <c>mutex</c>, <c>block</c>,
    /// <c>threadcreate</c>, <c>exceptions</c>), reporting the elapsed time to <paramref name="progress"/>.</summary>
    public static Task<Profile> CollectAsync(int processId, string kind, TimeSpan duration, IProgress<TimeSpan>? progress, CancellationToken cancellationToken = default)
    {
        var entry = ProfileKinds.Find(kind) ?? throw new ProfilerException($"unknown profile kind \"{kind}\" (known: {string.Join(", ", KindNames)})");
        return SessionCollection.CollectAsync(processId, entry, duration, progress, cancellationToken);
    }

    /// <summary>The names of the profile kinds that can be collected.</summary>
    public static IReadOnlyList<string> KindNames => ProfileKinds.All.Select(e => e.Name).ToArray();
}
