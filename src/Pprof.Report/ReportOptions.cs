using System.Text.RegularExpressions;

namespace Pprof.Report;

/// <summary>How to build a report from a profile; mirrors pprof's <c>report.Options</c>.</summary>
public sealed class ReportOptions
{
    /// <summary>The report kind.</summary>
    public ReportFormat OutputFormat { get; set; } = ReportFormat.Text;

    /// <summary>Sort by cumulative instead of flat values.</summary>
    public bool CumSort { get; set; }

    /// <summary>Build a call tree instead of a call graph (contexts are not merged).</summary>
    public bool CallTree { get; set; }

    /// <summary>Drop samples with negative values.</summary>
    public bool DropNegative { get; set; }

    /// <summary>Compact node labels (dot).</summary>
    public bool CompactLabels { get; set; }

    /// <summary>Multiply every value by this ratio before reporting (1 = unchanged).</summary>
    public double Ratio { get; set; } = 1;

    /// <summary>Title shown in graph reports.</summary>
    public string Title { get; set; } = "";

    /// <summary>Extra lines for the report header (File, Type, Time, ...).</summary>
    public List<string> ProfileLabels { get; set; } = new();

    /// <summary>Active filter descriptions, shown in the header ("Active filters:").</summary>
    public List<string> ActiveFilters { get; set; } = new();

    /// <summary>Unit of each numeric label key.</summary>
    public Dictionary<string, string> NumLabelUnits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Maximum number of nodes to show; 0 or less means no limit.</summary>
    public int NodeCount { get; set; }

    /// <summary>Hide nodes below this fraction of the total.</summary>
    public double NodeFraction { get; set; }

    /// <summary>Hide edges below this fraction of the total.</summary>
    public double EdgeFraction { get; set; }

    /// <summary>Extracts the reported value from a sample's values.</summary>
    public Func<long[], long> SampleValue { get; set; } = v => v.Length == 0 ? 0 : v[^1];

    /// <summary>When set, values are divided by this (for <c>-mean</c>).</summary>
    public Func<long[], long>? SampleMeanDivisor { get; set; }

    /// <summary>The name of the selected sample type.</summary>
    public string SampleType { get; set; } = "";

    /// <summary>The unit of the selected sample type.</summary>
    public string SampleUnit { get; set; } = "";

    /// <summary>The unit to show values in (<c>minimum</c> picks the best one per value).</summary>
    public string OutputUnit { get; set; } = "minimum";

    /// <summary>Symbols to report on (list, peek, disasm).</summary>
    public Regex? Symbol { get; set; }

    /// <summary>Search path for source files.</summary>
    public string SourcePath { get; set; } = "";

    /// <summary>Path prefixes to trim from source paths before searching.</summary>
    public string TrimPath { get; set; } = "";

    /// <summary>Use Intel syntax in disassembly.</summary>
    public bool IntelSyntax { get; set; }

    /// <summary>The total every percentage is relative to; null computes it from the profile given to
    /// <see cref="ReportGenerator.Generate"/>. pprof computes it before focus/ignore/tag filters are applied (after
    /// them with <c>-relative_percentages</c>): use <see cref="ReportGenerator.ComputeTotal"/> at that point.</summary>
    public long? Total { get; set; }

    /// <summary>Build the complete call graph for every report, also where the text report needs node values and
    /// inline edges only (tests compare the two ways).</summary>
    internal bool CompleteGraphs { get; set; }
}
