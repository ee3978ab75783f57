using Pprof.Report;

namespace Pprof.Cli.Driver;

/// <summary>One report command of pprof (<c>-top</c> on the command line, <c>top</c> in the shell): which report it
/// generates, how it post-processes and shows it, and the option overrides it implies.</summary>
internal sealed class ReportCommand
{
    public ReportCommand(string name, ReportFormat format, string description, string usage = "")
    {
        Name = name;
        Format = format;
        Description = description;
        Usage = usage;
    }

    /// <summary>The command's name, also its flag.</summary>
    public string Name { get; }

    /// <summary>The report generated before any post-processing.</summary>
    public ReportFormat Format { get; }

    /// <summary>One-line description shown in help.</summary>
    public string Description { get; }

    /// <summary>Multi-line usage shown by <c>help NAME</c>.</summary>
    public string Usage { get; }

    /// <summary>True when the command takes a regexp argument (<c>-list=RE</c>, <c>list RE</c>).</summary>
    public bool HasParam { get; init; }

    /// <summary>The node count applied when <c>nodecount</c> is left at its default (-1).</summary>
    public int DefaultNodeCount { get; init; } = 80;

    /// <summary>In the shell, the node count when none is given (pprof shows 10 entries for <c>top</c>).</summary>
    public int? ShellNodeCount { get; init; }

    /// <summary>When set, forces trimming off (nodecount/nodefraction/edgefraction become 0).</summary>
    public bool NoTrim { get; init; }

    /// <summary>When set, forces this granularity.</summary>
    public string? Granularity { get; init; }

    /// <summary>When set, forces <c>noinlines</c> to this value.</summary>
    public bool? NoInlines { get; init; }

    /// <summary>Replaces the standard report writer (for formats that <see cref="ReportGenerator"/> does not produce).</summary>
    public ReportWriter? Writer { get; init; }

    /// <summary>Post-processing applied to the report (e.g. running Graphviz).</summary>
    public ReportPostProcessor? PostProcess { get; init; }

    /// <summary>How the result is shown when no <c>-output</c> file is given (e.g. save away from a terminal, open a viewer).</summary>
    public ReportPostProcessor? Visualizer { get; init; }

    /// <summary>pprof's help text for this command.</summary>
    public string Help()
    {
        var sb = new System.Text.StringBuilder(Description).Append('\n');
        if (Usage.Length > 0)
        {
            sb.Append("  Usage:\n");
            foreach (var line in Usage.Split('\n')) sb.Append("    ").Append(line).Append('\n');
        }
        return sb.Append('\n').ToString();
    }
}
