using Pprof.Agent.Internal;
using Pprof.Runtime;

namespace Pprof.Agent;

/// <summary>Always-on profiling: every <see cref="ContinuousProfilerOptions.Interval"/> (15 s by default) takes delta
/// profiles (cpu, allocs, mutex, block, exceptions) and a runtime stats point of this process
/// (<see cref="Start"/>), of another .NET process (<see cref="Attach"/>) or of every .NET process of the user
/// (<see cref="AttachAll"/>), labels them (service, version, host, pid and yours) and hands them to the sinks: the
/// embedded profile store by default, Grafana Pyroscope, your own. Each sink has a bounded queue: when it is slow the
/// oldest batches are dropped and counted (<see cref="DroppedBatches"/>), never the process's memory. Dispose to stop:
/// the interval under way is cut short and delivered, queued batches get <see cref="ContinuousProfilerOptions.FlushTimeout"/>
/// to be written.</summary>
public sealed class ContinuousProfiler : IDisposable, IAsyncDisposable
{
    private readonly ContinuousProfilerOptions _options;
    private readonly List<SinkQueue> _queues;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<int, TargetLoop> _targets = new();
    private readonly HashSet<int> _refused = new();
    private readonly Task _run;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<int, bool>? _filter;
    private int _disposed;
    private long _collected;

    private ContinuousProfiler(ContinuousProfilerOptions options, int? processId, Func<int, bool>? filter = null)
    {
        _options = options;
        _filter = filter;
        _queues = new List<SinkQueue>();
        try
        {
            foreach (var sink in CreateSinks(options)) _queues.Add(new SinkQueue(sink, options.MaxQueuedBatches, options.Log));
        }
        catch
        {
            foreach (var q in _queues) q.Sink.Dispose();
            throw;
        }
        if (processId is int pid)
        {
            lock (_targets) _targets[pid] = new TargetLoop(pid, options, Deliver, _stop.Token);
            _run = WatchOneAsync(_targets[pid]);
        }
        else
        {
            _run = Task.Run(DiscoverAsync);
        }
    }

    /// <summary>Starts profiling this process. Throws <see cref="ArgumentException"/> for invalid options (no sink, an
    /// unknown or snapshot profile type, an interval under 1 s), <see cref="System.Net.Http.HttpRequestException"/>
    /// never (pushes fail later, logged and counted).</summary>
    public static ContinuousProfiler Start(ContinuousProfilerOptions options)
    {
        Validate(options);
        return new ContinuousProfiler(options, Environment.ProcessId);
    }

    /// <summary>Starts profiling process <paramref name="processId"/> from outside (no code change in it) until it
    /// exits or this is disposed. Throws <see cref="ProfilerException"/> when it is not a .NET process that can be
    /// profiled.</summary>
    public static ContinuousProfiler Attach(int processId, ContinuousProfilerOptions options)
    {
        Validate(options);
        ProcessDiscovery.EnsureProfilable(processId);
        return new ContinuousProfiler(options, processId);
    }

    /// <summary>Profiles every .NET process of this user that can be profiled (but this one), following the ones that
    /// start (found every <see cref="ContinuousProfilerOptions.DiscoveryInterval"/>) and stop, until disposed. Each
    /// process is its own series (service: its name unless <see cref="ContinuousProfilerOptions.Service"/> is set).
    /// With <paramref name="filter"/>, only the processes it accepts (by process id; for example those of one name,
    /// <c>pid =&gt; ProcessDiscovery.ProcessName(pid) == "shop"</c>).</summary>
    public static ContinuousProfiler AttachAll(ContinuousProfilerOptions options, Func<int, bool>? filter = null)
    {
        Validate(options);
        if (options.DiscoveryInterval <= TimeSpan.Zero) throw new ArgumentException("DiscoveryInterval must be positive", nameof(options));
        return new ContinuousProfiler(options, null, filter);
    }

    /// <summary>The processes being profiled now.</summary>
    public IReadOnlyList<int> ProcessIds
    {
        get
        {
            lock (_targets) return _targets.Keys.Order().ToArray();
        }
    }

    /// <summary>The sinks' names (for example <c>store /home/me/.dotnet-pprof/store</c>).</summary>
    public IReadOnlyList<string> SinkNames => _queues.Select(q => q.Sink.Name).ToArray();

    /// <summary>Batches collected (one per process and interval).</summary>
    public long CollectedBatches => Interlocked.Read(ref _collected);

    /// <summary>Batches written, summed over the sinks.</summary>
    public long WrittenBatches => _queues.Sum(q => q.Written);

    /// <summary>Batches dropped because a sink's queue was full (the oldest go first) or still held when stopping,
    /// summed over the sinks.</summary>
    public long DroppedBatches => _queues.Sum(q => q.Dropped);

    /// <summary>Batches a sink failed to write (after its own retries), summed over the sinks.</summary>
    public long FailedBatches => _queues.Sum(q => q.Failed);

    /// <summary>Completes when profiling has ended: stopped, or (for <see cref="Attach"/>) the process exited and the
    /// queued batches are written.</summary>
    public Task Completion => _stopped.Task;

    /// <summary>Stops profiling, delivers the interval under way and waits (at most
    /// <see cref="ContinuousProfilerOptions.FlushTimeout"/> per sink) for the queued batches to be written.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _stopped.Task.ConfigureAwait(false);
            return;
        }
        _stop.Cancel();
        await _run.ConfigureAwait(false);
        Task[] loops;
        lock (_targets) loops = _targets.Values.Select(t => t.Completion).ToArray();
        await Task.WhenAll(loops).ConfigureAwait(false);
        await Task.WhenAll(_queues.Select(q => q.CompleteAsync(_options.FlushTimeout))).ConfigureAwait(false);
        _stop.Dispose();
        _stopped.TrySetResult();
    }

    /// <summary>Stops as <see cref="DisposeAsync"/> does, blocking.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void Deliver(ProfileBatch batch)
    {
        Interlocked.Increment(ref _collected);
        foreach (var q in _queues) q.Enqueue(batch);
    }

    private async Task WatchOneAsync(TargetLoop loop)
    {
        await loop.Completion.ConfigureAwait(false);
        // The process exited (not a stop): finish by ourselves, so that Completion tells.
        if (!_stop.IsCancellationRequested) _ = Task.Run(() => DisposeAsync().AsTask());
    }

    private async Task DiscoverAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            IReadOnlyList<int> pids;
            try
            {
                pids = ProcessDiscovery.ProcessIds();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                _options.Log?.Invoke($"listing .NET processes failed: {e.Message}");
                pids = Array.Empty<int>();
            }
            lock (_targets)
            {
                foreach (var gone in _targets.Where(t => t.Value.Completion.IsCompleted).Select(t => t.Key).ToArray()) _targets.Remove(gone);
                _refused.IntersectWith(pids);
                foreach (int pid in pids)
                {
                    if (pid == Environment.ProcessId || _targets.ContainsKey(pid) || _refused.Contains(pid)) continue;
                    try
                    {
                        if (_filter != null && !_filter(pid))
                        {
                            _refused.Add(pid);
                            continue;
                        }
                        ProcessDiscovery.EnsureProfilable(pid);
                    }
                    catch (Exception e) when (e is ProfilerException or IOException or InvalidOperationException or UnauthorizedAccessException)
                    {
                        _refused.Add(pid);
                        _options.Log?.Invoke($"pid {pid}: not profiled: {e.Message}");
                        continue;
                    }
                    var loop = new TargetLoop(pid, _options, Deliver, ct);
                    _targets[pid] = loop;
                    _options.Log?.Invoke($"pid {pid} ({loop.Service}): profiling");
                }
            }
            try
            {
                await Task.Delay(_options.DiscoveryInterval, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private static void Validate(ContinuousProfilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Interval < TimeSpan.FromSeconds(1)) throw new ArgumentException($"the interval must be at least 1s (got {options.Interval})", nameof(options));
        if (options.MaxQueuedBatches < 1) throw new ArgumentException("MaxQueuedBatches must be at least 1", nameof(options));
        if (options.ProfileTypes.Count == 0) throw new ArgumentException("no profile types", nameof(options));
        var kinds = RuntimeProfiles.Kinds;
        foreach (string t in options.ProfileTypes)
        {
            var k = kinds.FirstOrDefault(k => string.Equals(k.Name, t, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"unknown profile type \"{t}\" (known: {string.Join(", ", kinds.Where(k => !k.IsSnapshot).Select(k => k.Name))})", nameof(options));
            if (k.IsSnapshot) throw new ArgumentException($"\"{t}\" is a snapshot, not a delta profile (goroutine snapshots: GoroutineProfileEvery)", nameof(options));
        }
        if (!options.UseStore && options.Pyroscope == null && options.Sinks.Count == 0)
            throw new ArgumentException("nowhere to send the profiles: the store is off, and neither Pyroscope nor a sink is set", nameof(options));
    }

    private static IEnumerable<IProfileBatchSink> CreateSinks(ContinuousProfilerOptions options)
    {
        if (options.UseStore) yield return ProfileStoreSink.Open(options.StoreDirectory, options.StoreOptions);
        if (options.Pyroscope != null) yield return new PyroscopeSink(options.Pyroscope);
        foreach (var s in options.Sinks) yield return s;
    }
}
