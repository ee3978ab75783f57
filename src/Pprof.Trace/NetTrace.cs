using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace Pprof.Traces;

/// <summary>An execution trace of a .NET process (a .nettrace file, as <c>dotnet-pprof collect trace</c>,
/// <c>/debug/pprof/trace</c> and <c>Profiler.StartTrace</c> write it) read into a compact model: threads and their
/// names, sampled stacks, GCs with their pauses, blocking (locks, wait handles, sampled socket and native waits),
/// thread-pool queueing, exceptions and thread-pool instants, user tasks, regions and logs, and requests. Times are
/// nanoseconds since the start of the trace.</summary>
public sealed class NetTrace
{
    internal NetTrace(long durationNanos, DateTime startTime, int processId, IReadOnlyList<TraceThread> threads, IReadOnlyList<IReadOnlyList<TraceFrame>> stacks,
        IReadOnlyList<TraceSample> samples, IReadOnlyList<TraceGc> gcs, IReadOnlyList<TraceBlock> blocks, IReadOnlyList<TraceInstant> instants,
        IReadOnlyList<TraceSpan> spans, long eventCount, long lostEvents)
    {
        DurationNanos = durationNanos;
        StartTime = startTime;
        ProcessId = processId;
        Threads = threads;
        Stacks = stacks;
        Samples = samples;
        Gcs = gcs;
        Blocks = blocks;
        Instants = instants;
        Spans = spans;
        EventCount = eventCount;
        LostEvents = lostEvents;
    }

    /// <summary>How long the trace covers, nanoseconds.</summary>
    public long DurationNanos { get; }

    /// <summary>When the trace started (UTC).</summary>
    public DateTime StartTime { get; }

    /// <summary>The traced process's id (0 when unknown).</summary>
    public int ProcessId { get; }

    /// <summary>The threads seen, by id.</summary>
    public IReadOnlyList<TraceThread> Threads { get; }

    /// <summary>The distinct stacks, each leaf first; events and samples refer to them by index.</summary>
    public IReadOnlyList<IReadOnlyList<TraceFrame>> Stacks { get; }

    /// <summary>The thread samples (about one a millisecond per thread), in time order.</summary>
    public IReadOnlyList<TraceSample> Samples { get; }

    /// <summary>The garbage collections, in order.</summary>
    public IReadOnlyList<TraceGc> Gcs { get; }

    /// <summary>The blocking spans (locks, wait handles, sampled socket and native waits, thread-pool queueing), in
    /// order of their end.</summary>
    public IReadOnlyList<TraceBlock> Blocks { get; }

    /// <summary>The point events (exceptions, thread-pool worker changes, thread creation, user logs), in time order.</summary>
    public IReadOnlyList<TraceInstant> Instants { get; }

    /// <summary>User tasks and regions and requests, in order of their start.</summary>
    public IReadOnlyList<TraceSpan> Spans { get; }

    /// <summary>The number of events read.</summary>
    public long EventCount { get; }

    /// <summary>The number of events the runtime reported lost (its buffers were full).</summary>
    public long LostEvents { get; }

    /// <summary>The name of thread <paramref name="threadId"/>, or <c>thread TID</c>.</summary>
    public string ThreadName(int threadId)
    {
        foreach (var t in Threads) if (t.Id == threadId) return t.Name.Length > 0 ? t.Name : "thread " + threadId;
        return "thread " + threadId;
    }

    /// <summary>Reads the .nettrace file at <paramref name="path"/>. Throws <see cref="InvalidDataException"/> when it
    /// is not a readable .nettrace file, <see cref="IOException"/> when it cannot be read.</summary>
    public static NetTrace Read(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckMagic(path);
        string etlx = Path.Combine(Path.GetTempPath(), $"dotnet-pprof-{Guid.NewGuid():N}.etlx");
        try
        {
            try
            {
                TraceLog.CreateFromEventPipeDataFile(path, etlx, new TraceLogOptions { ContinueOnError = true, ConversionLog = TextWriter.Null });
            }
            catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException or IOException))
            {
                throw new InvalidDataException($"{path}: not a readable .nettrace file ({e.Message})", e);
            }
            using var log = new TraceLog(etlx);
            var reader = new NetTraceReader(log);
            return reader.Read(cancellationToken);
        }
        finally
        {
            try
            {
                File.Delete(etlx);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private static void CheckMagic(string path)
    {
        Span<byte> head = stackalloc byte[8];
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        int n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (n < 8 || !head.SequenceEqual("Nettrace"u8)) throw new InvalidDataException($"{path}: not a .nettrace file (record one with dotnet-pprof collect trace)");
    }
}
