using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace Pprof.Runtime.Internal;

/// <summary>A trace of this process's runtime events in the .nettrace format (what <c>dotnet-trace</c> writes and
/// PerfView, speedscope conversions and TraceEvent's <c>EventPipeEventSource</c> read): thread samples, GC, JIT, loader,
/// exceptions, contention and thread-pool events, with a rundown at the end that names every jitted method. The
/// runtime's stream is copied to the output as it arrives. One trace at a time per process.</summary>
internal static class NetTraceSession
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const string SampleProfilerProvider = "Microsoft-DotNETCore-SampleProfiler";

    /// <summary>The runtime keywords of dotnet-trace's default <c>cpu-sampling</c> profile (GC, loader, JIT, NGen,
    /// exceptions, contention, thread pool, stacks, ...).</summary>
    internal const long DefaultRuntimeKeywords = 0x14C14FCCBD;

    private static int s_active;

    /// <summary>Longest wait, after the stop, for the runtime to send its rundown and end the stream.</summary>
    public static TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The providers of the trace.</summary>
    internal static IReadOnlyList<EventPipeProvider> Providers { get; } = new[]
    {
        new EventPipeProvider(SampleProfilerProvider, EventLevel.Informational),
        new EventPipeProvider(RuntimeProvider, EventLevel.Informational, DefaultRuntimeKeywords),
    };

    /// <summary>Traces this process for <paramref name="duration"/> (less when <paramref name="cancellationToken"/> is
    /// cancelled) and writes the .nettrace stream to <paramref name="output"/>. <paramref name="started"/> runs once the
    /// session is running, before the first byte is written. Throws <see cref="ProfilerException"/> "tracing is already
    /// enabled" when another trace runs, or when the process cannot be traced. When writing to the output fails (the
    /// reader went away), the rest of the stream is read and dropped so that the runtime can end the session.</summary>
    public static async Task WriteAsync(Stream output, TimeSpan duration, Action? started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (Interlocked.Exchange(ref s_active, 1) == 1) throw new ProfilerException("tracing is already enabled");
        try
        {
            var client = ProcessDiscovery.Connect(Environment.ProcessId);
            EventPipeSession session;
            try
            {
                session = await Task.Run(() => client.StartEventPipeSession(Providers, requestRundown: true, circularBufferMB: 256), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or ServerErrorException or IOException or TimeoutException)
            {
                throw ProcessDiscovery.Explain(Environment.ProcessId, e);
            }
            using (session)
            {
                started?.Invoke();
                var readerDone = new ManualResetEvent(false);
                var copy = Task.Run(() => CopyAsync(session.EventStream, output, readerDone), CancellationToken.None);
                try
                {
                    await Task.WhenAny(Task.Delay(duration, cancellationToken), copy).ConfigureAwait(false);
                }
                finally
                {
                    bool answered = await Task.Run(() => SelfSessionStop.Stop(session, readerDone, SessionCollection.StopTimeout), CancellationToken.None).ConfigureAwait(false);
                    if (answered && !await Finishes(copy, DrainTimeout).ConfigureAwait(false)) SelfSessionStop.Close(session);
                }
                bool outputFailed = await copy.ConfigureAwait(false);
                if (outputFailed && !cancellationToken.IsCancellationRequested) throw new IOException("writing the trace failed");
            }
        }
        finally
        {
            Volatile.Write(ref s_active, 0);
        }
    }

    private static async Task<bool> Finishes(Task task, TimeSpan timeout)
    {
        var done = await Task.WhenAny(task, Task.Delay(timeout)).ConfigureAwait(false);
        return done == task;
    }

    /// <summary>Copies the event stream until it ends; returns true when writing to the output failed (the rest was
    /// read and dropped).</summary>
    private static async Task<bool> CopyAsync(Stream events, Stream output, ManualResetEvent done)
    {
        var buffer = new byte[64 * 1024];
        bool outputFailed = false;
        try
        {
            while (true)
            {
                int n;
                try
                {
                    n = await events.ReadAsync(buffer).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException)
                {
                    break;
                }
                if (n == 0) break;
                if (outputFailed) continue;
                try
                {
                    await output.WriteAsync(buffer.AsMemory(0, n)).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
                {
                    outputFailed = true;
                }
            }
            if (!outputFailed)
            {
                try
                {
                    await output.FlushAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
                {
                    outputFailed = true;
                }
            }
            return outputFailed;
        }
        finally
        {
            done.Set();
        }
    }
}
