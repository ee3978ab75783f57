using Pprof.Profiles;
using System.Diagnostics;
using Pprof.Runtime.Collectors;

namespace Pprof.Runtime.Internal;

/// <summary>Collects one profile from a process over a duration: start a session with the kind's collector, wait for
/// the duration, cancellation or the process's exit, stop (bounded), snapshot. CPU profiles are exclusive per process.</summary>
internal static class SessionCollection
{
    /// <summary>Longest wait for this process's runtime to end a session on itself before the stream is closed (the
    /// self-stop can deadlock, dotnet/runtime#1892).</summary>
    public static TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait for another process's runtime to end a session (it cannot deadlock us, but a loaded
    /// machine can make it slow).</summary>
    public static TimeSpan RemoteStopTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public static TimeSpan StopTimeoutFor(int pid) => pid == Environment.ProcessId ? StopTimeout : RemoteStopTimeout;

    private static readonly HashSet<int> s_cpuInUse = new();

    /// <summary>Reserves the CPU profiler of <paramref name="pid"/>; throws "cpu profiling already in use".</summary>
    public static IDisposable ReserveCpu(int pid)
    {
        lock (s_cpuInUse)
        {
            if (!s_cpuInUse.Add(pid)) throw new ProfilerException("cpu profiling already in use");
        }
        return new Reservation(pid);
    }

    public static async Task<Profile> CollectAsync(int pid, ProfileKinds.Entry entry, TimeSpan duration, IProgress<CollectionProgress>? progress, CancellationToken ct)
    {
        if (entry.Collect != null)
        {
            var elapsed = progress == null ? null : new Progress<TimeSpan>(t => progress.Report(new CollectionProgress(t, null, null)));
            return await entry.Collect(pid, duration, elapsed, ct).ConfigureAwait(false);
        }
        return await CollectEventsAsync(pid, entry, duration, progress, ct, null).ConfigureAwait(false);
    }

    /// <summary>Collects from a runtime that connected to us: events from its first instruction until it exits (or
    /// <paramref name="duration"/>, or cancellation); a snapshot kind after <paramref name="duration"/>.</summary>
    public static async Task<Profile> CollectAsync(RuntimeConnection connection, ProfileKinds.Entry entry, TimeSpan? duration, IProgress<CollectionProgress>? progress, CancellationToken ct)
    {
        await connection.WaitForRuntimeAsync(ct).ConfigureAwait(false);
        if (entry.Collect == null) return await CollectEventsAsync(connection.ProcessId, entry, duration ?? Timeout.InfiniteTimeSpan, progress, ct, connection).ConfigureAwait(false);
        if (duration == null) throw new ArgumentException($"a {entry.Name} profile is a snapshot: give the time to take it after the start", nameof(duration));
        connection.Resume();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration && !ct.IsCancellationRequested)
        {
            if (connection.HasExited) throw new ProfilerException($"the process exited after {clock.Elapsed.TotalSeconds:0.0}s, before the {entry.Name} snapshot: nothing was collected (take it earlier with a shorter duration)");
            progress?.Report(new CollectionProgress(clock.Elapsed, duration, null));
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        if (connection.HasExited) throw new ProfilerException($"the process exited before the {entry.Name} snapshot: nothing was collected");
        return await entry.Collect(connection.ProcessId, TimeSpan.Zero, null, CancellationToken.None).ConfigureAwait(false);
    }

    private static async Task<Profile> CollectEventsAsync(int pid, ProfileKinds.Entry entry, TimeSpan duration, IProgress<CollectionProgress>? progress, CancellationToken ct, RuntimeConnection? connection)
    {
        if (entry.CreateCollector == null) throw new InvalidOperationException($"profile kind {entry.Name} has no collector");
        IDisposable? reservation = entry.Kind == ProfileKind.Cpu ? ReserveCpu(pid) : null;
        try
        {
            var collector = entry.CreateCollector();
            return (await CollectAsync(pid, new[] { collector }, duration, progress, ct, connection).ConfigureAwait(false))[0];
        }
        finally
        {
            reservation?.Dispose();
        }
    }

    public static async Task<Profile> CollectAsync(int pid, EventCollector collector, TimeSpan duration, IProgress<CollectionProgress>? progress, CancellationToken ct)
        => (await CollectAsync(pid, new[] { collector }, duration, progress, ct).ConfigureAwait(false))[0];

    /// <summary>Collects several profiles from one session (what the in-process always-on profiles cost together). With
    /// <paramref name="connection"/>, the session starts on the runtime that connected to us, which is then resumed,
    /// and its exit is the normal end of the collection.</summary>
    public static async Task<Profile[]> CollectAsync(int pid, IReadOnlyList<EventCollector> collectors, TimeSpan duration, IProgress<CollectionProgress>? progress, CancellationToken ct, RuntimeConnection? connection = null)
    {
        bool labels = pid == Environment.ProcessId && collectors.Any(c => c.UsesLabels);
        if (labels) LabelTracker.BeginRecording();
        try
        {
            var start = DateTime.UtcNow;
            var clock = Stopwatch.StartNew();
            // Read now: a launched process may have exited by the end.
            string process = ProcessDiscovery.ProcessName(pid);
            var session = await Task.Run(() => EventSession.Start(pid, collectors, connection?.Client), CancellationToken.None).ConfigureAwait(false);
            connection?.Resume();
            TimeSpan? planned = duration == Timeout.InfiniteTimeSpan ? null : duration;
            var notes = new List<string>();
            TimeSpan elapsed = TimeSpan.Zero;
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var delay = Task.Delay(duration, cts.Token);
                while (true)
                {
                    var tick = Task.Delay(TimeSpan.FromMilliseconds(250), cts.Token);
                    var done = await Task.WhenAny(delay, session.Completion, tick).ConfigureAwait(false);
                    progress?.Report(new CollectionProgress(clock.Elapsed, planned, session.EventsReceived));
                    if (done == session.Completion)
                    {
                        if (connection == null) notes.Add($"the event stream ended after {clock.Elapsed.TotalSeconds:0.0}s (the process exited?): the profile is partial");
                        break;
                    }
                    if (done == delay || ct.IsCancellationRequested) break;
                }
                cts.Cancel();
            }
            finally
            {
                // The profile covers the session up to the stop request; the events still being processed after it
                // belong to that window.
                elapsed = clock.Elapsed;
                notes.InsertRange(0, await Task.Run(() => session.Stop(StopTimeoutFor(pid)), CancellationToken.None).ConfigureAwait(false));
            }
            return collectors.Select(c =>
            {
                string from = connection == null ? "" : ", from its start";
                var comments = new List<string> { $"dotnet-pprof {ProfileKinds.NameOf(c.Kind)} profile of pid {pid} ({process}){from}" };
                comments.AddRange(notes);
                return c.Snapshot(start, elapsed, comments);
            }).ToArray();
        }
        finally
        {
            if (labels) LabelTracker.EndRecording();
        }
    }

    private sealed class Reservation : IDisposable
    {
        private int _pid;

        public Reservation(int pid) => _pid = pid;

        public void Dispose()
        {
            int pid = Interlocked.Exchange(ref _pid, -1);
            if (pid < 0) return;
            lock (s_cpuInUse) s_cpuInUse.Remove(pid);
        }
    }
}
