using Pprof.Profiles;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Pprof.Report;
using Pprof.Report.Visual;

namespace Pprof.Cli.Driver;

/// <summary>The picture-making report commands: Graphviz images (<c>svg</c>, <c>png</c>, <c>pdf</c>, <c>gif</c>,
/// <c>ps</c>, <c>web</c>), <c>flamegraph</c> and <c>folded</c>. They are entries of the driver's
/// <see cref="ReportCommands"/> table.</summary>
internal static class VisualCommands
{
    /// <summary>The commands, in help order.</summary>
    public static IReadOnlyList<ReportCommand> All { get; } = Build();

    private static List<ReportCommand> Build()
    {
        var list = new List<ReportCommand>();
        foreach (var fmt in Graphviz.Formats)
        {
            list.Add(new ReportCommand(fmt, ReportFormat.Dot, $"Outputs a graph image in {fmt.ToUpperInvariant()} format", ReportCommands.ReportHelp(fmt, false, true))
            {
                PostProcess = RunDot(fmt),
                Visualizer = Visualizers.AwayFromTty(fmt),
            });
        }
        list.Add(new ReportCommand("web", ReportFormat.Dot, "Visualize graph through web browser", ReportCommands.ReportHelp("web", false, false))
        {
            PostProcess = RunDot("svg"),
            Visualizer = OpenInBrowser("svg"),
        });
        list.Add(new ReportCommand("flamegraph", ReportFormat.Traces, "Outputs an interactive flame graph as a self-contained HTML file",
            "flamegraph [focus_regex]* [-ignore_regex]* >f\nWrites one HTML file (no network needed): click to zoom, search, flame or icicle.\nWith -base or -diff_base, frames are coloured by growth (red) and shrinkage (blue).")
        {
            NoTrim = true,
            Writer = WriteFlameGraph,
            Visualizer = Visualizers.AwayFromTty("html"),
        });
        list.Add(new ReportCommand("folded", ReportFormat.Traces, "Outputs collapsed stacks (root first) for flamegraph.pl and speedscope",
            "folded [focus_regex]* [-ignore_regex]* >f\nOne line per distinct stack: frames from the root separated by ';', a space, the value.")
        {
            NoTrim = true,
            Writer = WriteFolded,
        });
        return list;
    }

    /// <summary>Options for a flame graph of a processed profile, from the report options the driver built.</summary>
    public static FlameGraphOptions FlameOptions(Profile profile, ReportOptions ropt, double minFraction = 0.0001)
    {
        IReadOnlyList<string> labels;
        try
        {
            labels = ReportGenerator.ProfileLabels(profile, ropt);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            labels = Array.Empty<string>();
        }
        return new FlameGraphOptions
        {
            SampleValue = ropt.SampleValue,
            SampleType = ropt.SampleType,
            Unit = ropt.SampleUnit,
            Title = ropt.Title.Length != 0 ? ropt.Title + " \u2014 flame graph" : "Flame graph",
            Labels = labels,
            MinFraction = minFraction,
        };
    }

    private static void WriteFlameGraph(Stream output, Profile profile, ReportOptions ropt)
    {
        var graph = FlameGraph.Build(profile, FlameOptions(profile, ropt));
        FlameGraphPage.Write(output, graph);
    }

    private static void WriteFolded(Stream output, Profile profile, ReportOptions ropt)
    {
        using var w = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        FoldedStacks.Write(w, profile, ropt.SampleValue);
    }

    /// <summary>Post-processing that runs Graphviz <c>dot</c>; a missing <c>dot</c> becomes one clear error line.</summary>
    public static ReportPostProcessor RunDot(string format) => (input, output, ui) =>
    {
        try
        {
            Graphviz.Render(Encoding.UTF8.GetString(input.Span), format, output);
        }
        catch (GraphvizNotFoundException e)
        {
            throw new PprofException(e.Message);
        }
    };

    /// <summary>Saves the report in a temporary file and opens it in a browser; where no browser starts, the file is
    /// kept and its path printed.</summary>
    public static ReportPostProcessor OpenInBrowser(string suffix) => (input, output, ui) =>
    {
        string path;
        using (var file = TempFiles.Create(Path.GetTempPath(), "pprof", "." + suffix, out path))
        {
            file.Write(input.Span);
        }
        if (StartBrowser(path, wait: !ui.Interactive))
        {
            ui.TempFiles.Add(path);
            return;
        }
        ui.PrintErr("No browser found; the graph is in " + path);
    };

    /// <summary>Opens <paramref name="target"/> (a file or URL) with the first browser that starts (see
    /// <see cref="Visualizers.Browsers"/>); false when none does.</summary>
    public static bool StartBrowser(string target, bool wait) => Visualizers.TryStart(Visualizers.Browsers(), target, wait, out _);
}
