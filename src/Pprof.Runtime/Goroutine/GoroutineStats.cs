namespace Pprof.Runtime.Goroutine;

/// <summary>Costs of one goroutine snapshot.</summary>
internal sealed class GoroutineStats
{
    /// <summary>Time to write the dump (the target is frozen for part of it).</summary>
    public TimeSpan DumpTime { get; set; }

    public long DumpBytes { get; set; }

    /// <summary>Dump plus analysis.</summary>
    public TimeSpan Total { get; set; }
}
