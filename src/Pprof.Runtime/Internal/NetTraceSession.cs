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

    /// <summary>The runtime keywords of an execution trace: dotnet-trace's <c>cpu-sampling</c> set plus WaitHandle
    /// (0x40000000000: WaitHandleWaitStart/Stop), at level Verbose (allocation ticks, method loads, thread-pool detail).</summary>
    internal const long TraceRuntimeKeywords = DefaultRuntimeKeywords | 0x40000000000;

    /// <summary>The providers of an execution trace (docs/trace.md, "Provider set"): a timeline at bounded cost.</summary>
    internal static IReadOnlyList<EventPipeProvider> Providers { get; } = new[]
    {
        // Thread stacks about every millisecond, managed or not.
        new EventPipeProvider(SampleProfilerProvider, EventLevel.Informational),
        // GC start/end, suspension and restart with reasons and generations, allocation ticks, contention start/stop,
        // wait handles, thread-pool workers and adjustments, thread creation, exceptions, JIT/loader for names.
        new EventPipeProvider(RuntimeProvider, EventLevel.Verbose, TraceRuntimeKeywords),
        // Thread-pool work items queued and dequeued (ThreadPool 0x2 | ThreadTransfer 0x10).
        new EventPipeProvider("System.Diagnostics.Eventing.FrameworkEventSource", EventLevel.Verbose, 0x12),
        // Tasks scheduled, started, completed and waited for (Tasks 0x2).
        new EventPipeProvider("System.Threading.Tasks.TplEventSource", EventLevel.Informational, 0x2),
        // Requests: ASP.NET Core hosting, Kestrel connections and requests, HttpClient, sockets, DNS.
        new EventPipeProvider("Microsoft-AspNetCore-Hosting", EventLevel.Informational),
        new EventPipeProvider("Microsoft-AspNetCore-Server-Kestrel", EventLevel.Verbose),
        new EventPipeProvider("System.Net.Http", EventLevel.Informational),
        new EventPipeProvider("System.Net.Sockets", EventLevel.Informational),
        new EventPipeProvider("System.Net.NameResolution", EventLevel.Informational),
        // User tasks, regions and logs (Pprof.Runtime.Tracing.ExecutionTrace) and thread names.
        new EventPipeProvider(Tracing.ExecutionTrace.ProviderName, EventLevel.Verbose),
    };

    /// <summary>The provider set in dotnet-trace's <c>--providers</c> syntax.</summary>
    internal static string DescribeProviders() => string.Join(",", Providers.Select(p =>
        p.Keywords == 0 || p.Keywords == -1 ? $"{p.Name}:0xFFFFFFFFFFFFFFFF:{(int)p.EventLevel}" : $"{p.Name}:0x{p.Keywords:X}:{(int)p.EventLevel}"));

    private static (Stream Output, CancellationTokenSource Stop, Task Run)? s_inProcess;
    private static readonly object s_inProcessLock = new();

    /// <summary>Starts tracing this process into <paramref name="output"/> until <see cref="Stop"/>.</summary>
    public static void Start(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (s_inProcessLock)
        {
            if (s_inProcess != null || Volatile.Read(ref s_active) == 1) throw new ProfilerException("tracing is already enabled");
            var stop = new CancellationTokenSource();
            using var started = new ManualResetEventSlim();
            var run = WriteAsync(output, Timeout.InfiniteTimeSpan, () => started.Set(), stop.Token, stopIsNormalEnd: true);
            // Wait until the session runs (or failed to start), so that what follows is in the trace.
            while (!started.Wait(50))
            {
                if (run.IsCompleted)
                {
                    stop.Dispose();
                    run.GetAwaiter().GetResult();
                    throw new ProfilerException("the trace ended before it started");
                }
            }
            s_inProcess = (output, stop, run);
        }
    }

    /// <summary>Stops the trace <see cref="Start"/> began and waits until its stream is complete (the rundown is in).</summary>
    public static void Stop()
    {
        Task run;
        lock (s_inProcessLock)
        {
            if (s_inProcess is not { } t) throw new InvalidOperationException("no trace was started with StartTrace");
            s_inProcess = null;
            t.Stop.Cancel();
            run = t.Run;
            try
            {
                run.GetAwaiter().GetResult();
            }
            finally
            {
                t.Stop.Dispose();
            }
        }
    }

    /// <summary>Traces another process (or one that connected to a diagnostic port) into <paramref name="output"/> for
    /// <paramref name="duration"/> (infinite: until the process exits or <paramref name="cancellationToken"/>).</summary>
    public static async Task RecordAsync(DiagnosticsClient client, int pid, Action? started, Func<bool> exited, Stream output, TimeSpan duration, CancellationToken cancellationToken)
    {
        EventPipeSession session;
        try
        {
            session = await Task.Run(() => client.StartEventPipeSession(Providers, requestRundown: true, circularBufferMB: 256), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or ServerErrorException or IOException or TimeoutException)
        {
            throw ProcessDiscovery.Explain(pid, e);
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
                if (!copy.IsCompleted && !exited())
                {
                    try
                    {
                        await Task.Run(() => session.Stop(), CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or IOException or TimeoutException)
                    {
                        // The process went away: the stream ends on its own.
                    }
                }
                if (!await Finishes(copy, DrainTimeout).ConfigureAwait(false)) session.Dispose();
            }
            bool outputFailed = await copy.ConfigureAwait(false);
            if (outputFailed) throw new IOException("writing the trace failed");
        }
    }

    /// <summary>Traces this process for <paramref name="duration"/> (less when <paramref name="cancellationToken"/> is
    /// cancelled) and writes the .nettrace stream to <paramref name="output"/>. <paramref name="started"/> runs once the
    /// session is running, before the first byte is written. Throws <see cref="ProfilerException"/> "tracing is already
    /// enabled" when another trace runs, or when the process cannot be traced. When writing to the output fails (the
    /// reader went away), the rest of the stream is read and dropped so that the runtime can end the session, and
    /// <see cref="IOException"/> is thrown unless cancellation ended the trace (with <paramref name="stopIsNormalEnd"/>:
    /// even then, as cancellation is how <see cref="Stop"/> ends it).</summary>
    public static async Task WriteAsync(Stream output, TimeSpan duration, Action? started, CancellationToken cancellationToken, bool stopIsNormalEnd = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (Interlocked.Exchange(ref s_active, 1) == 1) throw new ProfilerException("tracing is already enabled");
        // Creates the annotations' event source, so that this process's trace carries thread names.
        _ = Tracing.ExecutionTrace.IsEnabled;
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
                if (outputFailed && (stopIsNormalEnd || !cancellationToken.IsCancellationRequested)) throw new IOException("writing the trace failed");
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
