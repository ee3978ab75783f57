using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Etlx;
using Pprof.Runtime.Collectors;

namespace Pprof.Runtime.Internal;

/// <summary>One EventPipe session on a process (this one or another), read live on a dedicated thread through a
/// <see cref="TraceLog"/> that names methods as they are jitted (and, through a start rundown, those jitted before).
/// The stop path can never hang its caller: the runtime's stop request runs on its own thread and the caller waits a
/// bounded time, then closes the stream (a process stopping a session on itself can deadlock, dotnet/runtime#1892).</summary>
internal sealed class EventSession
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const string SampleProfilerProvider = "Microsoft-DotNETCore-SampleProfiler";

    private readonly EventPipeSession _session;
    private readonly Thread _reader;
    private readonly ManualResetEventSlim _done = new(false);
    private readonly IReadOnlyList<EventCollector> _collectors;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TraceLogEventSource? _source;
    private Task<NativeCodeMap>? _codeRundown;
    private Exception? _readError;
    private int _stopped;

    private EventSession(EventPipeSession session, DiagnosticsClient client, IReadOnlyList<EventCollector> collectors, SessionContext context)
    {
        _session = session;
        _collectors = collectors;
        Context = context;
        _reader = new Thread(() => Read(client, collectors)) { IsBackground = true, Name = "pprof-events" };
    }

    public SessionContext Context { get; }

    /// <summary>Completes when the event stream ends (stopped, or the process exited).</summary>
    public Task Completion => _completion.Task;

    /// <summary>Events received so far (all providers).</summary>
    public long EventsReceived => Volatile.Read(ref _eventsReceived);

    private long _eventsReceived;

    /// <summary>Events the runtime dropped (buffer overflow) so far.</summary>
    public int EventsLost => _source?.EventsLost ?? 0;

    /// <summary>Set when reading failed for a reason other than the stream ending.</summary>
    public Exception? ReadError => _readError;

    /// <summary>Receives timing notes of the stop path (for diagnosing slow stops); null normally.</summary>
    internal static Action<string>? Trace { get; set; }

    /// <summary>Starts a session with the providers the collectors need and attaches them; <paramref name="client"/>
    /// is the runtime's connection when it connected to us (launch mode), otherwise one is opened by process id.</summary>
    public static EventSession Start(int processId, IReadOnlyList<EventCollector> collectors, DiagnosticsClient? client = null, int bufferMB = 256)
    {
        client ??= ProcessDiscovery.Connect(processId);
        foreach (var c in collectors) c.BeforeSession(processId);
        var providers = Providers(collectors);
        bool threadNames = collectors.Any(c => c.NeedsThreadNames);
        bool methodNames = collectors.Any(c => c.NeedsMethodNames);
        EventPipeSession session;
        try
        {
            session = client.StartEventPipeSession(providers, requestRundown: false, circularBufferMB: bufferMB);
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or ServerErrorException or IOException or TimeoutException)
        {
            foreach (var c in collectors) c.SessionEnding();
            throw ProcessDiscovery.Explain(processId, e);
        }
        if (ReadsThroughEventLoop) ReadThroughEventLoop(session.EventStream);
        var s = new EventSession(session, client, collectors, new SessionContext(processId));
        // Thread names are read from the start: events are processed seconds late (start rundown, time sorting).
        if (threadNames) s.Context.TrackThreadNames();
        foreach (var c in collectors) c.SessionStarting(s.Context);
        // The code jitted before the session, with its IL-to-native maps (the trace log's own start rundown keeps no
        // maps): read alongside the trace log's rundown; code jitted later arrives through the session's own events.
        s._codeRundown = Task.Run(() => CodeRundown.ReadCodeMap(processId, CancellationToken.None, methodNames));
        s._reader.Start();
        return s;
    }

    /// <summary>Whether new sessions read through the socket event loop (<see cref="ReadThroughEventLoop"/>); the benchmark
    /// switches it off to measure the difference.</summary>
    internal static bool ReadsThroughEventLoop { get; set; } = true;

    /// <summary>Switches the session's socket to non-blocking mode, so that the reader thread's synchronous reads wait in
    /// .NET's socket event loop rather than in a blocking <c>recv</c>. A thread parked in a blocking socket read made every
    /// garbage collection of this process pause longer (about +25 to +40 µs per collection against +5 to +10 µs for the
    /// same session read through the event loop, with 500 collections a second on an allocation-bound thread: a few
    /// percent of its throughput). Any asynchronous operation makes .NET switch the socket; a zero-byte receive
    /// consumes nothing. Streams that are not sockets are left alone.</summary>
    private static void ReadThroughEventLoop(Stream stream)
    {
        if (stream is not System.Net.Sockets.NetworkStream network) return;
        try
        {
            // The receive completes when the first bytes arrive (or faults when the session closes): observe it, no more.
            _ = network.Socket.ReceiveAsync(Memory<byte>.Empty, System.Net.Sockets.SocketFlags.None).AsTask()
                .ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException or NotSupportedException)
        {
            // The stream still works in blocking mode.
        }
    }

    /// <summary>The EventPipe providers a session with <paramref name="collectors"/> enables.</summary>
    public static List<EventPipeProvider> Providers(IReadOnlyList<EventCollector> collectors)
    {
        long keywords = RuntimeKeyword.MethodNames;
        bool sampler = false;
        foreach (var c in collectors)
        {
            keywords |= c.RuntimeKeywords;
            sampler |= c.NeedsSampleProfiler;
        }
        var providers = new List<EventPipeProvider> { new(RuntimeProvider, EventLevel.Verbose, keywords) };
        if (sampler) providers.Add(new EventPipeProvider(SampleProfilerProvider, EventLevel.Informational));
        return providers;
    }

    /// <summary>The providers in dotnet-trace's <c>--providers</c> syntax (name:keywords:level), for comparisons.</summary>
    public static string DescribeProviders(IReadOnlyList<EventCollector> collectors)
        => string.Join(",", Providers(collectors).Select(p => $"{p.Name}:0x{p.Keywords:x}:{(int)p.EventLevel}"));

    private void Read(DiagnosticsClient client, IReadOnlyList<EventCollector> collectors)
    {
        try
        {
            // The start rundown names the code jitted before the session in the events' stacks; collectors that resolve
            // raw addresses only (on-CPU samples) have it from the code rundown: a second rundown of every method would
            // only cost the target a walk of its code at the session's start (this process saves little: measured within
            // the noise of `collect cpu`, docs/runtime.md).
            var rundown = collectors.Any(c => c.NeedsEventStacks) ? TraceLog.EventPipeRundownConfiguration.Enable(client) : TraceLog.EventPipeRundownConfiguration.None();
            using var source = TraceLog.CreateFromEventPipeSession(_session, rundown);
            _source = source;
            Trace?.Invoke("reader: trace log ready (start rundown done)");
            var resolver = new StackResolver(Context.InProcess, keepMethodNames: collectors.Any(c => c.NeedsMethodNames));
            resolver.Attach(source);
            AddCodeRundown(resolver.Code);
            foreach (var c in collectors) c.Attach(source, resolver, Context);
            source.AllEvents += _ => Volatile.Write(ref _eventsReceived, _eventsReceived + 1);
            source.Process();
            Trace?.Invoke("reader: Process returned");
        }
        catch (Exception e)
        {
            if (Volatile.Read(ref _stopped) == 0) _readError = e;
        }
        finally
        {
            _completion.TrySetResult();
            _done.Set();
        }
    }

    /// <summary>Longest wait for the code rundown before events are processed; past it, code jitted before the
    /// session keeps method-level lines.</summary>
    public static TimeSpan CodeRundownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    private void AddCodeRundown(NativeCodeMap code)
    {
        try
        {
            if (_codeRundown != null && _codeRundown.Wait(CodeRundownTimeout)) code.AddMissing(_codeRundown.Result);
            Trace?.Invoke($"reader: {code.Count} code bodies known from the rundown");
        }
        catch (AggregateException e)
        {
            // The process could not be traced a second time (or went away): lines fall back to methods' first lines.
            Trace?.Invoke("reader: code rundown failed: " + e.InnerException?.Message);
        }
    }

    /// <summary>Longest time to finish processing the events already received once the runtime has ended the session
    /// (the live trace log holds a few seconds of events for time sorting, more on a loaded machine).</summary>
    public static TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Stops the session. The runtime's stop request gets at most <paramref name="timeout"/> (a process stopping
    /// a session on itself can deadlock); past that the stream is closed and whatever arrived is kept. Once the runtime
    /// has ended the session, the events already received are processed (at most <see cref="DrainTimeout"/>).
    /// Returns notes for the profile's comments (lost events, timeouts). Safe to call more than once, from any thread.</summary>
    public List<string> Stop(TimeSpan timeout)
    {
        var notes = new List<string>();
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            Context.EndCpuWindow();
            foreach (var c in _collectors) c.SessionEnding();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            bool stopAnswered = SelfSessionStop.Stop(_session, _done.WaitHandle, timeout);
            Trace?.Invoke($"stop: runtime answered after {clock.ElapsedMilliseconds} ms: {stopAnswered}");
            bool finished = stopAnswered && _done.Wait(DrainTimeout);
            Trace?.Invoke($"stop: events done after {clock.ElapsedMilliseconds} ms: {finished}");
            if (!finished)
            {
                notes.Add(stopAnswered
                    ? $"processing the received events took longer than {DrainTimeout.TotalSeconds:0.#}s; the stream was closed and the profile may miss the last events"
                    : $"the runtime did not end the session within {timeout.TotalSeconds:0.#}s; the stream was closed and the profile may miss the last events");
                SelfSessionStop.Close(_session);
                _done.Wait(TimeSpan.FromSeconds(2));
            }
        }
        else
        {
            _done.Wait(timeout);
        }
        Context.StopTracking();
        int lost = EventsLost;
        if (lost > 0) notes.Add($"{lost} events lost (EventPipe buffer overflow): the profile undercounts");
        if (_readError != null) notes.Add("event stream error: " + _readError.Message);
        return notes;
    }
}
