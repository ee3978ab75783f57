namespace Pprof.Runtime.Goroutine;

/// <summary>Costs of one goroutine snapshot.</summary>
internal sealed class GoroutineStats
{
    /// <summary>Time to write the dump (the target is frozen for part of it).</summary>
    public TimeSpan DumpTime { get; set; }

    public long DumpBytes { get; set; }

    /// <summary>How long the process was stopped while its memory was copied (ptrace path; zero for a dump).</summary>
    public TimeSpan Pause { get; set; }

    /// <summary>Of <see cref="Pause"/>, the time until every thread had stopped.</summary>
    public TimeSpan StopTime { get; set; }

    public long CopiedBytes { get; set; }

    /// <summary>Why the ptrace path was not used for another process (the dump was), or null.</summary>
    public string? FallbackReason { get; set; }

    /// <summary>Snapshot plus analysis.</summary>
    public TimeSpan Total { get; set; }
}
