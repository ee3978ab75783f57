using System.Globalization;
using System.Text;
using Pprof.Runtime.Stats;

namespace Pprof.Runtime.Watch;

/// <summary>Holmes for .NET: reads <see cref="RuntimeStats"/> every interval and, when a rule fires, takes the
/// matching profile (cpu, two retention snapshots one full GC apart, goroutine, exceptions, mutex, allocs) and hands
/// it to a reporter. Holmes' semantics: each rule keeps a ring of its last 10 values (the current one included);
/// nothing is checked until 10 values have been read; see <see cref="WatchdogRule"/> for the rule; after a dump the
/// rule is quiet for the cooldown; nothing is dumped while CPU is at or above the ceiling; at most
/// <see cref="WatchdogOptions.MaxDumps"/> dumps a window. Dumps run one at a time beside the checks. Works on this
/// process or, through EventPipe, on another.</summary>
public sealed class Watchdog : IAsyncDisposable
{
    /// <summary>Values read before any rule is checked (holmes' minCollectCyclesBeforeDumpStart), and the ring size.</summary>
    public const int RingSize = 10;

    private readonly WatchdogOptions _options;
    private readonly IWatchdogReporter _reporter;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<WatchdogTrigger, Ring> _rings = new();
    private readonly Dictionary<WatchdogTrigger, DateTime> _cooldownUntil = new();
    private readonly Queue<DateTime> _recentDumps = new();
    private readonly List<WatchdogDump> _dumps = new();
    private readonly int _pid;
    private Task _dumping = Task.CompletedTask;
    private long _collected;

    private Watchdog(WatchdogOptions options)
    {
        _options = options;
        _pid = options.ProcessId == 0 ? Environment.ProcessId : options.ProcessId;
        _reporter = options.Reporter ?? new FileWatchdogReporter(options.OutputDirectory);
        foreach (var t in options.Rules.Keys) _rings[t] = new Ring();
        Completion = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Completes when the watchdog stops: disposed, or the watched process exited. Faults when the process
    /// cannot be watched.</summary>
    public Task Completion { get; }

    /// <summary>The profiles taken so far.</summary>
    public IReadOnlyList<WatchdogDump> Dumps
    {
        get
        {
            lock (_dumps) return _dumps.ToArray();
        }
    }

    /// <summary>Starts watching with <paramref name="options"/> (copied: later changes have no effect on the rules).</summary>
    public static Watchdog Start(WatchdogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Rules.Count == 0) throw new ArgumentException("no rule is set: nothing to watch", nameof(options));
        if (options.Interval < RuntimeStatsReader.MinimumInterval) throw new ArgumentOutOfRangeException(nameof(options), "the interval must be at least 100 ms");
        if (options.MaxDumps < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxDumps must be at least 1");
        var copy = new WatchdogOptions
        {
            ProcessId = options.ProcessId, Interval = options.Interval, Cooldown = options.Cooldown, CpuMax = options.CpuMax,
            ProfileDuration = options.ProfileDuration, MaxDumps = options.MaxDumps, RateWindow = options.RateWindow,
            MemoryLimitBytes = options.MemoryLimitBytes, Reporter = options.Reporter, OutputDirectory = options.OutputDirectory, Log = options.Log,
        };
        foreach (var (t, r) in options.Rules) copy.Rules[t] = r;
        return new Watchdog(copy);
    }

    /// <summary>The trigger's name in flags and logs: cpu, mem, gcheap, goroutine, thread, threadpool-queue,
    /// exceptions, contention, gc-pause.</summary>
    public static string Name(WatchdogTrigger trigger) => trigger switch
    {
        WatchdogTrigger.Cpu => "cpu",
        WatchdogTrigger.Memory => "mem",
        WatchdogTrigger.GcHeap => "gcheap",
        WatchdogTrigger.Goroutine => "goroutine",
        WatchdogTrigger.Thread => "thread",
        WatchdogTrigger.ThreadPoolQueue => "threadpool-queue",
        WatchdogTrigger.Exceptions => "exceptions",
        WatchdogTrigger.Contention => "contention",
        WatchdogTrigger.GcPause => "gc-pause",
        _ => throw new ArgumentOutOfRangeException(nameof(trigger)),
    };

    /// <summary>The profile kinds a trigger's dump takes, in order.</summary>
    public static IReadOnlyList<string> Kinds(WatchdogTrigger trigger) => trigger switch
    {
        WatchdogTrigger.Cpu or WatchdogTrigger.ThreadPoolQueue => new[] { "cpu" },
        WatchdogTrigger.Memory or WatchdogTrigger.GcHeap => new[] { "retention", "retention" },
        WatchdogTrigger.Goroutine or WatchdogTrigger.Thread => new[] { "goroutine" },
        WatchdogTrigger.Exceptions => new[] { "exceptions" },
        WatchdogTrigger.Contention => new[] { "mutex" },
        WatchdogTrigger.GcPause => new[] { "allocs" },
        _ => throw new ArgumentOutOfRangeException(nameof(trigger)),
    };

    private async Task RunAsync(CancellationToken ct)
    {
        long? limit = _options.MemoryLimitBytes;
        var source = _options.ProcessId == 0 || _options.ProcessId == Environment.ProcessId
            ? RuntimeStatsReader.WatchAsync(_options.Interval, ct)
            : RuntimeStatsReader.WatchAsync(_options.ProcessId, _options.Interval, ct);
        await foreach (var s in source.ConfigureAwait(false))
        {
            limit ??= s.MemoryLimitBytes ?? MachineMemory();
            Check(s, limit);
        }
        try
        {
            await _dumping.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        if (!ct.IsCancellationRequested) Log($"process {_pid} exited: watchdog stopped");
    }

    private void Check(RuntimeStats s, long? limit)
    {
        var values = new Dictionary<WatchdogTrigger, long>();
        foreach (var t in _options.Rules.Keys)
        {
            if (Value(t, s, limit) is long v)
            {
                values[t] = v;
                _rings[t].Push(v);
            }
        }
        if (++_collected < RingSize)
        {
            Log($"warming up {_collected}/{RingSize}");
            return;
        }
        long cpu = s.CpuPercentOfMachine is double c ? (long)c : 0;
        if (_options.CpuMax is int cpuMax && cpu >= cpuMax)
        {
            Log($"NODUMP all: cpu {cpu}% >= cpu-max {cpuMax}%");
            return;
        }
        var now = DateTime.UtcNow;
        foreach (var (t, rule) in _options.Rules)
        {
            string name = Name(t);
            if (!values.TryGetValue(t, out long value))
            {
                Log($"NODUMP {name}: no value");
                continue;
            }
            var ring = _rings[t];
            if (ring.Count < RingSize)
            {
                Log($"NODUMP {name}: ring has {ring.Count}/{RingSize} values");
                continue;
            }
            if (_cooldownUntil.TryGetValue(t, out var until) && until > now)
            {
                Log($"NODUMP {name}: in cooldown for {(until - now).TotalSeconds:0}s");
                continue;
            }
            var history = ring.Values();
            long avg = WatchdogRule.Average(history);
            bool match = rule.Matches(history, value);
            Log($"{(match ? "DUMP" : "NODUMP")} {name} value={value} avg={avg} rule={rule} ring=[{string.Join(' ', history)}]");
            if (!match) continue;
            while (_recentDumps.Count > 0 && now - _recentDumps.Peek() > _options.RateWindow) _recentDumps.Dequeue();
            if (_recentDumps.Count >= _options.MaxDumps)
            {
                Log($"NODUMP {name}: rate limit, {_options.MaxDumps} dumps in {_options.RateWindow}");
                continue;
            }
            if (!_dumping.IsCompleted)
            {
                Log($"NODUMP {name}: a dump is still running");
                continue;
            }
            _recentDumps.Enqueue(now);
            _cooldownUntil[t] = now + _options.Cooldown;
            _dumping = DumpAsync(t, now, value, avg, _stop.Token);
        }
    }

    private async Task DumpAsync(WatchdogTrigger trigger, DateTime time, long value, long avg, CancellationToken ct)
    {
        foreach (string kind in Kinds(trigger))
        {
            try
            {
                var profile = await RuntimeProfiles.CollectAsync(_pid, kind, _options.ProfileDuration, null, ct).ConfigureAwait(false);
                using var ms = new MemoryStream();
                profile.Write(ms);
                var taken = DateTime.UtcNow;
                string file = kind + "." + taken.ToString("yyyyMMddHHmmss.fff", CultureInfo.InvariantCulture) + ".pb.gz";
                var dump = new WatchdogDump(trigger, kind, file, time, value, avg, ms.ToArray());
                await _reporter.ReportAsync(dump, ct).ConfigureAwait(false);
                lock (_dumps) _dumps.Add(dump);
                Log($"wrote {kind} profile {file} ({Name(trigger)} value={value} avg={avg})");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is ProfilerException or IOException or UnauthorizedAccessException or InvalidOperationException or System.Net.Http.HttpRequestException)
            {
                Log($"dump of {kind} for {Name(trigger)} failed: {e.Message}");
            }
        }
    }

    private long? Value(WatchdogTrigger t, RuntimeStats s, long? limit) => t switch
    {
        WatchdogTrigger.Cpu => Whole(s.CpuPercentOfMachine),
        WatchdogTrigger.Memory => s.RssBytes is long rss && limit is long l && l > 0 ? rss * 100 / l : null,
        WatchdogTrigger.GcHeap => s.GcHeapSizeBytes is long h && limit is long l && l > 0 ? h * 100 / l : null,
        WatchdogTrigger.Goroutine => s.ThreadCount is int n ? n + (s.ThreadPoolQueueLength ?? 0) : null,
        WatchdogTrigger.Thread => s.ThreadCount,
        WatchdogTrigger.ThreadPoolQueue => s.ThreadPoolQueueLength,
        WatchdogTrigger.Exceptions => Whole(s.ExceptionsPerSecond),
        WatchdogTrigger.Contention => Whole(s.LockContentionsPerSecond),
        WatchdogTrigger.GcPause => Whole(s.GcPausePercent * s.Interval.TotalMilliseconds / 100),
        _ => null,
    };

    private static long? Whole(double? v) => v is double d && double.IsFinite(d) ? (long)d : null;

    private static long? MachineMemory()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemTotal:", StringComparison.Ordinal)) continue;
                string kb = line["MemTotal:".Length..].Trim().Replace(" kB", "", StringComparison.Ordinal);
                return long.TryParse(kb, NumberStyles.None, CultureInfo.InvariantCulture, out long k) ? k * 1024 : null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    private void Log(string message)
    {
        var log = _options.Log;
        if (log == null) return;
        var sb = new StringBuilder("[watchdog] ");
        sb.Append(DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)).Append(' ').Append(message);
        log(sb.ToString());
    }

    /// <summary>Stops watching and waits for a running dump to stop.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await Completion.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ProfilerException)
        {
        }
        _stop.Dispose();
    }

    /// <summary>The last <see cref="RingSize"/> values, oldest first.</summary>
    private sealed class Ring
    {
        private readonly long[] _data = new long[RingSize];
        private int _next;

        public int Count { get; private set; }

        public void Push(long v)
        {
            _data[_next] = v;
            _next = (_next + 1) % RingSize;
            if (Count < RingSize) Count++;
        }

        public long[] Values()
        {
            var r = new long[Count];
            for (int i = 0; i < Count; i++) r[i] = _data[(_next - Count + i + RingSize) % RingSize];
            return r;
        }
    }
}
