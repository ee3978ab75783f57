using Pprof.Report;

namespace Pprof.Cli.Driver;

/// <summary>The table of report commands (pprof's <c>pprofCommands</c>). To add a format, add one entry to
/// <see cref="Table"/> (or call <see cref="Add"/> before the command line is parsed): it becomes a flag, a shell
/// command and an entry in the help.</summary>
internal static class ReportCommands
{
    private static readonly Dictionary<string, ReportCommand> s_commands = Build();

    /// <summary>Every command by name.</summary>
    public static IReadOnlyDictionary<string, ReportCommand> Table => s_commands;

    /// <summary>Looks up a command.</summary>
    public static ReportCommand? Find(string name) => s_commands.GetValueOrDefault(name);

    /// <summary>Adds or replaces a command.</summary>
    public static void Add(ReportCommand command) => s_commands[command.Name] = command;

    private static Dictionary<string, ReportCommand> Build()
    {
        var list = new[]
        {
            // Reports written as they are.
            new ReportCommand("comments", ReportFormat.Comments, "Output all profile comments"),
            new ReportCommand("disasm", ReportFormat.Dis, "Output assembly listings annotated with samples", ListHelp("disasm", true))
                { HasParam = true, NoTrim = true, Granularity = "addresses", NoInlines = true },
            new ReportCommand("dot", ReportFormat.Dot, "Outputs a graph in DOT format", ReportHelp("dot", false, true)),
            new ReportCommand("list", ReportFormat.List, "Output annotated source for functions matching regexp", ListHelp("list", false))
                { HasParam = true, NoTrim = true, Granularity = "lines" },
            new ReportCommand("peek", ReportFormat.Tree, "Output callers/callees of functions matching regexp",
                "peek func_regex\nDisplay callers and callees of functions matching func_regex.") { HasParam = true, NoTrim = true },
            new ReportCommand("raw", ReportFormat.Raw, "Outputs a text representation of the raw profile"),
            new ReportCommand("tags", ReportFormat.Tags, "Outputs all tags in the profile",
                "tags [tag_regex]* [-ignore_regex]* [>file]\nList tags with key:value matching tag_regex and exclude ignore_regex."),
            new ReportCommand("text", ReportFormat.Text, "Outputs top entries in text form", ReportHelp("text", true, true))
                { DefaultNodeCount = 0, ShellNodeCount = 10 },
            new ReportCommand("top", ReportFormat.Text, "Outputs top entries in text form", ReportHelp("top", true, true))
                { DefaultNodeCount = 0, ShellNodeCount = 10 },
            new ReportCommand("traces", ReportFormat.Traces, "Outputs all profile samples in text form"),
            new ReportCommand("tree", ReportFormat.Tree, "Outputs a text rendering of call graph", ReportHelp("tree", true, true)),

            // Binary or tool-oriented output: saved to a file rather than shown on a terminal.
            new ReportCommand("callgrind", ReportFormat.Callgrind, "Outputs a graph in callgrind format", ReportHelp("callgrind", false, true))
                { Visualizer = Visualizers.AwayFromTty("callgraph.out") },
            new ReportCommand("proto", ReportFormat.Proto, "Outputs the profile in compressed protobuf format")
                { Visualizer = Visualizers.AwayFromTty("pb.gz") },
            new ReportCommand("topproto", ReportFormat.TopProto, "Outputs top entries in compressed protobuf format")
                { DefaultNodeCount = 0, Visualizer = Visualizers.AwayFromTty("pb.gz") },

            // Shown through an external program.
            new ReportCommand("kcachegrind", ReportFormat.Callgrind, "Visualize report in KCachegrind", ReportHelp("kcachegrind", false, false))
                { Visualizer = Visualizers.InvokeVisualizer("grind", ["kcachegrind"]) },
            new ReportCommand("weblist", ReportFormat.WebList, "Display annotated source in a web browser", ListHelp("weblist", false))
                { HasParam = true, NoTrim = true, Granularity = "addresses", NoInlines = false, Visualizer = Visualizers.InvokeVisualizer("html", Visualizers.Browsers()) },
        };
        var d = new Dictionary<string, ReportCommand>(StringComparer.Ordinal);
        foreach (var c in list) d[c.Name] = c;
        foreach (var c in VisualCommands.All) d[c.Name] = c;
        return d;
    }

    /// <summary>Usage text for a graph or table report (pprof's reportHelp).</summary>
    public static string ReportHelp(string c, bool cum, bool redirect)
    {
        var h = new List<string>
        {
            c + " [n] [focus_regex]* [-ignore_regex]*",
            "Include up to n samples",
            "Include samples matching focus_regex, and exclude ignore_regex.",
        };
        if (cum)
        {
            h[0] += " [-cum]";
            h.Add("-cum sorts the output by cumulative weight");
        }
        if (redirect)
        {
            h[0] += " >f";
            h.Add("Optionally save the report on the file f");
        }
        return string.Join("\n", h);
    }

    /// <summary>Usage text for a listing report (pprof's listHelp).</summary>
    public static string ListHelp(string c, bool redirect)
    {
        var h = new List<string>
        {
            c + "<func_regex|address> [-focus_regex]* [-ignore_regex]*",
            "Include functions matching func_regex, or including the address specified.",
            "Include samples matching focus_regex, and exclude ignore_regex.",
        };
        if (redirect)
        {
            h[0] += " >f";
            h.Add("Optionally save the report on the file f");
        }
        return string.Join("\n", h);
    }
}
