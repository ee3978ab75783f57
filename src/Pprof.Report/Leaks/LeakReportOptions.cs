namespace Pprof.Report;

/// <summary>Options of <see cref="LeakReport.Analyze"/>.</summary>
public sealed class LeakReportOptions
{
    /// <summary>The sample type to rank by, as pprof's <c>-sample_index</c>: a name (<c>inuse_space</c>) or a 0-based
    /// index. Null: <c>inuse_space</c> when the profiles have it, else their default sample type, else the last.</summary>
    public string? SampleIndex { get; set; }

    /// <summary>The least fit (R²) for a row to count as a leak. Default 0.8.</summary>
    public double MinFit { get; set; } = 0.8;

    /// <summary>The least growth, first to last snapshot, for a row to count as a leak, as a fraction of the largest
    /// snapshot's total (so that a few bytes of bookkeeping that happen to grow are not flagged). Default 0.001
    /// (0.1 %).</summary>
    public double MinGrowthFraction { get; set; } = 0.001;
}
