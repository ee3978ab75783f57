using Pprof.Profiles;
namespace Pprof.Runtime.Heap;

/// <summary>The "retention" entry of <see cref="Profiler.Lookup"/>: debug 0 writes gzipped profile.proto, debug 1 or more
/// the text form followed by the <c># runtime.MemStats</c> trailer.</summary>
internal sealed class HeapNamedProfile : NamedProfile
{
    public HeapNamedProfile() : base("retention") { }

    public override Profile Build(CancellationToken cancellationToken = default) => HeapProfiler.Collect(0, null, cancellationToken);

    public override void WriteTo(Stream output, int debug = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var p = HeapProfiler.Collect(0, null, cancellationToken);
        if (debug <= 0) p.Write(output);
        else HeapProfiler.WriteText(p, MemStats.MemStatsReader.ReadCurrent(), output);
    }

    /// <summary>The <c>collect retention</c> kind: one snapshot; the duration does not apply.</summary>
    internal static Task<Profile> CollectKind(int pid, TimeSpan duration, IProgress<TimeSpan>? progress, CancellationToken ct) =>
        Task.Run(() => HeapProfiler.Collect(pid, null, ct), ct);
}
