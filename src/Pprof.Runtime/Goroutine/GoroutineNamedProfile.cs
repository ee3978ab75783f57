using Pprof.Profiles;
namespace Pprof.Runtime.Goroutine;

/// <summary>The "goroutine" entry of <see cref="Profiler.Lookup"/>: debug 0 gzipped profile.proto, 1 stacks grouped
/// with counts ("goroutine profile: total N"), 2 a full dump of every thread and pending async chain.</summary>
internal sealed class GoroutineNamedProfile : NamedProfile
{
    public GoroutineNamedProfile() : base("goroutine") { }

    public override Profile Build(CancellationToken cancellationToken = default) => GoroutineProfiler.Collect(0, cancellationToken);

    public override void WriteTo(Stream output, int debug = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var records = GoroutineProfiler.Snapshot(0, cancellationToken);
        GoroutineProfiler.WriteTo(records, Environment.ProcessId, output, debug);
    }

    /// <summary>The <c>collect goroutine</c> kind: one snapshot; the duration does not apply.</summary>
    internal static Task<Profile> CollectKind(int pid, TimeSpan duration, IProgress<TimeSpan>? progress, CancellationToken ct) =>
        Task.Run(() => GoroutineProfiler.Collect(pid, ct), ct);
}
