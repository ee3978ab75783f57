using Pprof.Profiles;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Pprof.Runtime.Heap;


/// <summary>Heap profiles of live objects after a full, blocking GC: inuse_objects, inuse_space (default) and
/// retained_space by shortest retention path (root, holder types, object type), so that <c>top</c> ranks types by live
/// bytes, <c>peek</c>/<c>tree</c>/flame graphs show who holds them and <c>-base old new</c> shows what grew.
/// Works on this process and, with no code change, on any other .NET process the user may access.</summary>
public static class HeapProfiler
{
    /// <summary>Takes a heap snapshot of process <paramref name="processId"/> (default: this process). The process
    /// pauses for one gen-2 GC while the runtime writes the snapshot (about 1 s per 3 million objects).</summary>
    public static Profile Collect(int processId = 0, HeapProfileOptions? options = null, CancellationToken cancellationToken = default) =>
        Collect(processId, options, null, cancellationToken);

    /// <summary>Takes a heap snapshot of process <paramref name="processId"/> (default: this process), reporting how
    /// far it has got to <paramref name="progress"/> (phase and objects processed, a few times per second). Cancelling
    /// <paramref name="cancellationToken"/> stops the snapshot session or the analysis within a fraction of a second
    /// and throws <see cref="OperationCanceledException"/>: no partial profile is returned. The target's snapshot GC,
    /// once started, still runs to its end in the target.</summary>
    public static Profile Collect(int processId, HeapProfileOptions? options, IProgress<HeapProgress>? progress, CancellationToken cancellationToken = default)
    {
        options ??= new HeapProfileOptions();
        int pid = processId == 0 ? Environment.ProcessId : processId;
        var start = DateTime.UtcNow;
        var throttle = new ProgressThrottle(progress);
        var graph = HeapDumpSession.Collect(pid, options, throttle, cancellationToken, out var stats);
        var sw = Stopwatch.StartNew();
        graph.Resolve(throttle, cancellationToken);
        var comments = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"heap snapshot of pid {pid}: live objects after an induced blocking gen-2 GC (pause {stats.PauseMs:0.#} ms)"),
            string.Create(CultureInfo.InvariantCulture, $"{graph.ObjectCount + graph.Overflow.Values.Sum(o => o.Count)} objects, {graph.EdgeCount} references, {graph.ResolvedRoots.Count} roots"),
            "stacks are shortest retention paths: object type (leaf), the types holding it, then the GC root",
        };
        if (stats.EventsLost > 0)
            comments.Add($"truncated: {stats.EventsLost} events were lost (EventPipe buffer of {options.BufferMB} MB too small); some objects or references are missing");
        if (graph.MissingEdges > 0)
            comments.Add($"truncated: {graph.MissingEdges} references announced by the snapshot were not received or exceeded the reference limit");
        if (graph.UnresolvedRoots > 0)
            comments.Add($"{graph.UnresolvedRoots} roots point outside the reported objects and were ignored");
        var profile = new HeapAnalyzer(graph, options, throttle, cancellationToken).Build(comments);
        progress?.Report(new HeapProgress("profile", graph.ObjectCount, graph.ObjectCount));
        profile.TimeNanos = (start - DateTime.UnixEpoch).Ticks * 100;
        profile.DurationNanos = (stats.Elapsed + sw.Elapsed).Ticks * 100;
        profile.Comments.Add(string.Create(CultureInfo.InvariantCulture,
            $"collected in {stats.Elapsed.TotalSeconds:0.00} s (snapshot session) + {sw.Elapsed.TotalSeconds:0.00} s (analysis)"));
        return profile;
    }

    /// <summary>Writes a heap profile of this process: <paramref name="debug"/> 0 gzipped profile.proto, 1 text
    /// ("heap profile: N: B [N: B] @ heap/1", one record per retention path, largest first) followed by the
    /// <c># runtime.MemStats</c> trailer.</summary>
    public static void WriteTo(Stream output, int debug = 0, HeapProfileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var p = Collect(0, options);
        if (debug <= 0) p.Write(output);
        else WriteText(p, MemStats.MemStatsReader.ReadCurrent(), output);
    }


    /// <summary>The debug=1 text form, as Go's heap profile text: header, then <c>objects: bytes [objects: bytes] @
    /// locations</c> per sample with one <c>#</c> line per frame, then the MemStats trailer when given.</summary>
    internal static void WriteText(Profile p, MemStats.MemStats? memStats, Stream output)
    {
        var inv = CultureInfo.InvariantCulture;
        using var w = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        long objects = 0, bytes = 0;
        foreach (var s in p.Samples)
        {
            objects += s.Values[0];
            bytes += s.Values[1];
        }
        w.WriteLine(string.Create(inv, $"heap profile: {objects}: {bytes} [{objects}: {bytes}] @ heap/1"));
        foreach (var s in p.Samples.OrderByDescending(s => s.Values[1]).ThenByDescending(s => s.Values[0]))
        {
            w.Write(string.Create(inv, $"{s.Values[0]}: {s.Values[1]} [{s.Values[0]}: {s.Values[1]}] @"));
            foreach (var l in s.Locations) w.Write(string.Create(inv, $" 0x{l.Id:x}"));
            w.WriteLine();
            foreach (var l in s.Locations) w.WriteLine(string.Create(inv, $"#\t0x{l.Id:x}\t{l.Lines[0].Function?.Name}"));
            w.WriteLine();
        }
        foreach (var c in p.Comments) w.WriteLine("# " + c);
        if (memStats != null) w.Write(MemStats.MemStatsFormat.Trailer(memStats));
    }
}
