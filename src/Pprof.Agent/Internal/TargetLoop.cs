using System.Globalization;
using Pprof.Profiles;
using Pprof.Runtime;
using Pprof.Runtime.Goroutine;
using Pprof.Runtime.Stats;

namespace Pprof.Agent.Internal;

/// <summary>Profiles one process, interval after interval: one EventPipe session per interval collects every delta
/// profile at once; a stats subscription runs beside it. Ends when stopped (the interval under way is delivered, cut
/// short) or when the process exits.</summary>
internal sealed class TargetLoop
{
    private const int MaxConsecutiveFailures = 3;
    private readonly ContinuousProfilerOptions _options;
    private readonly string[] _kinds;
    private readonly Action<ProfileBatch> _deliver;
    private readonly bool _self;
    private readonly CancellationTokenSource _stop;
    private RuntimeStats? _latestStats;
    private long _batches;

    public TargetLoop(int processId, ContinuousProfilerOptions options, Action<ProfileBatch> deliver, CancellationToken stop)
    {
        ProcessId = processId;
        _options = options;
        _kinds = options.ProfileTypes.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        _deliver = deliver;
        _self = processId == Environment.ProcessId;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        Service = options.Service ?? DefaultService(processId, _self);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = Environment.MachineName,
            ["pid"] = processId.ToString(CultureInfo.InvariantCulture),
        };
        string? version = options.Version ?? (_self ? EntryVersion() : null);
        if (!string.IsNullOrEmpty(version)) labels["version"] = version;
        foreach (var kv in options.Labels) labels[kv.Key] = kv.Value;
        Labels = labels;
        Completion = Task.Run(RunAsync);
    }

    public int ProcessId { get; }

    public string Service { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    public Task Completion { get; }

    public long Batches => Interlocked.Read(ref _batches);

    public void Stop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        var stats = Task.Run(() => WatchStatsAsync(ct), CancellationToken.None);
        int failures = 0;
        long n = 0;
        // Batches end on the boundaries of a fixed grid (t0 + k × interval), as the Pyroscope SDKs' tickers do: the time
        // an EventPipe session takes to start is taken from the interval it starts, so that intervals never drift and
        // a run of T seconds yields T / interval batches.
        var grid = System.Diagnostics.Stopwatch.StartNew();
        long k = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var start = DateTime.UtcNow;
                var length = NextBoundary(grid, ref k) - grid.Elapsed;
                IReadOnlyList<Profile> profiles;
                try
                {
                    profiles = await RuntimeProfiles.CollectAsync(ProcessId, _kinds, length, null, ct).ConfigureAwait(false);
                    failures = 0;
                }
                catch (Exception e) when (e is ProfilerException or IOException or InvalidOperationException or TimeoutException or UnauthorizedAccessException)
                {
                    if (!_self && !ProcessDiscovery.IsAlive(ProcessId)) break;
                    if (++failures >= MaxConsecutiveFailures)
                    {
                        _options.Log?.Invoke($"pid {ProcessId} ({Service}): giving up after {failures} failed collections: {e.Message}");
                        break;
                    }
                    _options.Log?.Invoke($"pid {ProcessId} ({Service}): collection failed, trying again: {e.Message}");
                    await Delay(NextBoundary(grid, ref k) - grid.Elapsed, ct).ConfigureAwait(false);
                    continue;
                }
                var duration = DateTime.UtcNow - start;
                if (profiles.Count > 0 && profiles[0].DurationNanos > 0) duration = TimeSpan.FromTicks(profiles[0].DurationNanos / 100);
                var list = new List<BatchProfile>(profiles.Count + 1);
                for (int i = 0; i < profiles.Count; i++) list.Add(new BatchProfile(_kinds[i].ToLowerInvariant(), profiles[i]));
                long? goroutines = null;
                n++;
                if (_options.GoroutineProfileEvery > 0 && n % _options.GoroutineProfileEvery == 0 && !ct.IsCancellationRequested)
                {
                    try
                    {
                        var g = await Task.Run(() => GoroutineProfiler.Collect(_self ? 0 : ProcessId, ct), ct).ConfigureAwait(false);
                        goroutines = g.Samples.Sum(s => s.Values.Length > 0 ? s.Values[0] : 0);
                        list.Add(new BatchProfile("goroutine", g));
                    }
                    catch (Exception e) when (e is ProfilerException or IOException or InvalidOperationException or UnauthorizedAccessException)
                    {
                        _options.Log?.Invoke($"pid {ProcessId} ({Service}): goroutine snapshot failed: {e.Message}");
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                    }
                }
                // A batch cut short by a stop is kept when it covers something.
                if (duration >= TimeSpan.FromMilliseconds(500))
                {
                    var s = Volatile.Read(ref _latestStats);
                    _deliver(new ProfileBatch(Service, ProcessId, Labels, start, duration, list, StatsValues.From(s, goroutines)));
                    Interlocked.Increment(ref _batches);
                }
                if (!_self && !ProcessDiscovery.IsAlive(ProcessId))
                {
                    _options.Log?.Invoke($"pid {ProcessId} ({Service}) exited");
                    break;
                }
            }
        }
        finally
        {
            Stop();
            await stats.ConfigureAwait(false);
            _stop.Dispose();
        }
    }

    private async Task WatchStatsAsync(CancellationToken ct)
    {
        try
        {
            var interval = _options.Interval < TimeSpan.FromSeconds(5) ? _options.Interval : TimeSpan.FromSeconds(5);
            var source = _self ? RuntimeStatsReader.WatchAsync(interval, ct) : RuntimeStatsReader.WatchAsync(ProcessId, interval, ct);
            await foreach (var s in source.ConfigureAwait(false)) Volatile.Write(ref _latestStats, s);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is ProfilerException or IOException or InvalidOperationException or TimeoutException or UnauthorizedAccessException)
        {
            _options.Log?.Invoke($"pid {ProcessId} ({Service}): runtime stats unavailable: {e.Message}");
        }
    }

    /// <summary>The next boundary of the grid at least a quarter interval away (a session that starts later than that
    /// skips to the following one).</summary>
    private TimeSpan NextBoundary(System.Diagnostics.Stopwatch grid, ref long k)
    {
        var now = grid.Elapsed;
        var boundary = _options.Interval * (k + 1);
        while (boundary - now < _options.Interval / 4) boundary = _options.Interval * (++k + 1);
        k++;
        return boundary;
    }

    private static async Task Delay(TimeSpan t, CancellationToken ct)
    {
        try
        {
            await Task.Delay(t, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string DefaultService(int pid, bool self)
    {
        if (self)
        {
            string? entry = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name;
            if (!string.IsNullOrEmpty(entry)) return entry;
        }
        try
        {
            string name = ProcessDiscovery.ProcessName(pid);
            if (name == "dotnet")
            {
                // dotnet [exec] app.dll: the application's name.
                string? dll = ProcessDiscovery.CommandLine(pid).Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .FirstOrDefault(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase));
                if (dll != null) return Path.GetFileNameWithoutExtension(dll);
            }
            if (!string.IsNullOrEmpty(name)) return name;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
        }
        return "pid-" + pid.ToString(CultureInfo.InvariantCulture);
    }

    private static string? EntryVersion()
    {
        var entry = System.Reflection.Assembly.GetEntryAssembly();
        if (entry == null) return null;
        string? info = entry.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion;
        if (info != null)
        {
            int plus = info.IndexOf('+', StringComparison.Ordinal);
            return plus > 0 ? info[..plus] : info;
        }
        return entry.GetName().Version?.ToString();
    }
}
