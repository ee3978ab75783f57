namespace Pprof.Report;

/// <summary>The annotated source listing (<c>-list</c>) as data: one <see cref="SourceRoutine"/> per function
/// matching <see cref="ReportOptions.Symbol"/> and source file it has samples in, in the report's order; what
/// <see cref="ReportFormat.List"/> prints, without parsing text back.</summary>
public sealed class SourceListing
{
    internal SourceListing(long total, string totalFormat, IReadOnlyList<SourceRoutine> routines)
    {
        Total = total;
        TotalFormat = totalFormat;
        Routines = routines;
    }

    /// <summary>The total the percentages are relative to (see <see cref="ReportGenerator.ComputeTotal"/>).</summary>
    public long Total { get; }

    /// <summary><see cref="Total"/> as the report prints it on its first line.</summary>
    public string TotalFormat { get; }

    /// <summary>The listed functions, by name, then by file.</summary>
    public IReadOnlyList<SourceRoutine> Routines { get; }
}
