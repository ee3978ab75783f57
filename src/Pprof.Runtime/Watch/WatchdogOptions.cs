namespace Pprof.Runtime.Watch;

/// <summary>What a <see cref="Watchdog"/> watches and does. Every rule is off unless set; holmes' defaults for the
/// common ones are <c>cpu 10,25,80</c>, <c>mem 10,25,80</c>, <c>goroutine 3000,25,200000</c>, <c>thread 10,25,100</c>.</summary>
public sealed class WatchdogOptions
{
    /// <summary>The process to watch; 0 (the default) for this one.</summary>
    public int ProcessId { get; set; }

    /// <summary>How often values are read and rules checked (holmes' CollectInterval). Default 5 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>After a dump, how long the same rule stays quiet. Default 1 min.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>When the process's CPU (percent of all its processors) is at or above this, nothing is dumped
    /// (profiling would add to the load); null for no ceiling.</summary>
    public int? CpuMax { get; set; }

    /// <summary>How long the cpu, exceptions, mutex and allocs profiles of a dump last. Default 5 s (as holmes').</summary>
    public TimeSpan ProfileDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>At most this many dumps in <see cref="RateWindow"/>, all rules together. Default 10.</summary>
    public int MaxDumps { get; set; } = 10;

    /// <summary>The window of <see cref="MaxDumps"/>. Default 1 h.</summary>
    public TimeSpan RateWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The memory limit the mem and gcheap rules are percentages of; null: the cgroup's limit, else the
    /// machine's memory.</summary>
    public long? MemoryLimitBytes { get; set; }

    /// <summary>The rules, by trigger.</summary>
    public Dictionary<WatchdogTrigger, WatchdogRule> Rules { get; } = new();

    /// <summary>Where profiles go; null: a <see cref="FileWatchdogReporter"/> on <see cref="OutputDirectory"/>.</summary>
    public IWatchdogReporter? Reporter { get; set; }

    /// <summary>The directory of the default reporter. Default the current directory.</summary>
    public string OutputDirectory { get; set; } = ".";

    /// <summary>Receives every decision, one line each (<c>DUMP</c>/<c>NODUMP</c> with value, average, rule and ring;
    /// warming up, cooldown, CPU ceiling, rate limit, written files, errors). Null: none.</summary>
    public Action<string>? Log { get; set; }
}
