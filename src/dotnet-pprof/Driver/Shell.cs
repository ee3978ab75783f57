using Pprof.Profiles;
using System.Text.RegularExpressions;
using Pprof.Report;

namespace Pprof.Cli.Driver;

/// <summary>pprof's interactive shell: <c>(pprof) </c> prompt, report commands, option assignments, help.</summary>
internal static class Shell
{
    private const string CommentStart = "//:";
    private static readonly Regex s_tailDigits = new("[0-9]+$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    /// <summary>Runs the shell until quit or end of input; returns the exit status.</summary>
    public static int Run(Profile p, PprofConfig current, PprofUI ui)
    {
        current = current.Clone();
        current.Configure("compact_labels", "true");
        var sampleTypes = p.SampleTypes.Select(t => t.Type).ToList();
        var help = new Dictionary<string, string>(Usage.ConfigHelp, StringComparer.Ordinal);
        help["sample_index"] += $"Or use sample_index=name, with name in [{string.Join(" ", sampleTypes)}].\n";
        ui.Interactive = true;
        var shortcuts = ProfileShortcuts(p);

        Greetings(p, current, ui);
        while (true)
        {
            string? input = ui.ReadLine("(pprof) ");
            if (input == null) return 0;
            foreach (var line in Expand(shortcuts, input))
            {
                if (!Execute(line, p, ref current, help, sampleTypes, ui)) return 0;
            }
        }
    }

    /// <summary>Runs one shell line; returns false to leave the shell.</summary>
    private static bool Execute(string input, Profile p, ref PprofConfig current, Dictionary<string, string> help, List<string> sampleTypes, PprofUI ui)
    {
        int eq = input.IndexOf('=');
        string name = (eq >= 0 ? input[..eq] : input).Trim();
        if (PprofConfig.IsConfigurable(name))
        {
            string value = "";
            if (eq >= 0)
            {
                value = input[(eq + 1)..];
                int comment = value.LastIndexOf(CommentStart, StringComparison.Ordinal);
                if (comment >= 0) value = value[..comment];
                value = value.Trim();
            }
            else if (!PprofConfig.IsBoolConfig(name))
            {
                ui.PrintErr($"please specify a value, e.g. {name}=<val>");
                return true;
            }
            try
            {
                if (name == "sample_index")
                {
                    int index = p.SampleIndexByName(value);
                    value = p.SampleTypes[index].Type;
                }
                current.Configure(name, value);
            }
            catch (Exception e) when (PprofDriver.IsUserError(e))
            {
                ui.PrintErr(e.Message);
            }
            return true;
        }

        var tokens = input.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0) return true;
        switch (tokens[0])
        {
            case "o" or "options":
                PrintCurrentOptions(current, sampleTypes, ui);
                return true;
            case "exit" or "quit" or "q":
                return false;
            case "help":
                CommandHelp(string.Join(" ", tokens.Skip(1)), help, ui);
                return true;
        }
        try
        {
            var (args, cfg) = ParseCommandLine(tokens, current, help);
            PprofDriver.GenerateReport(p, args, cfg, ui);
        }
        catch (Exception e) when (PprofDriver.IsUserError(e) && e is not OutputClosedException)
        {
            ui.PrintErr(e.Message);
        }
        return true;
    }

    private static void Greetings(Profile p, PprofConfig cfg, PprofUI ui)
    {
        var numLabelUnits = PprofDriver.IdentifyNumLabelUnits(p, ui);
        try
        {
            var ropt = PprofDriver.ReportOptionsFor(p, numLabelUnits, cfg);
            ui.Print(string.Join("\n", ReportGenerator.ProfileLabels(p, ropt)));
            if (ReportGenerator.ComputeTotal(p, ropt) == 0 && p.SampleTypes.Count > 1)
            {
                ui.Print("No samples were found with the default sample value type.");
                ui.Print("Try \"sample_index\" command to analyze different sample values.\n");
            }
        }
        catch (Exception e) when (PprofDriver.IsUserError(e))
        {
            // pprof greets without the header when the options are unusable.
        }
        ui.Print("Entering interactive mode (type \"help\" for commands, \"o\" for options)");
    }

    private static Dictionary<string, string[]> ProfileShortcuts(Profile p)
    {
        var s = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            [":"] = ["focus=", "ignore=", "hide=", "tagfocus=", "tagignore="],
        };
        foreach (var st in p.SampleTypes)
        {
            string command = "sample_index=" + st.Type;
            s[st.Type] = [command];
            s["total_" + st.Type] = ["mean=0", command];
            s["mean_" + st.Type] = ["mean=1", command];
        }
        return s;
    }

    private static string[] Expand(Dictionary<string, string[]> shortcuts, string input)
    {
        input = input.Trim();
        return shortcuts.TryGetValue(input, out var r) ? r : [input];
    }

    private static void PrintCurrentOptions(PprofConfig current, List<string> sampleTypes, PprofUI ui)
    {
        var lines = new List<string>();
        foreach (var f in PprofConfig.Fields)
        {
            string n = f.Name;
            string v = f.Get(current);
            string comment = "";
            if (f.Choices.Length > 0)
            {
                var values = f.Choices.ToList();
                values.Sort(StringComparer.Ordinal);
                comment = "[" + string.Join(" | ", values) + "]";
            }
            else if (n == "sample_index")
            {
                if (v.Length == 0 && sampleTypes.Count > 0) v = sampleTypes[^1];
                comment = "[" + string.Join(" | ", sampleTypes) + "]";
            }
            else if (n == "source_path")
            {
                continue;
            }
            else if (n == "nodecount" && v == "-1")
            {
                comment = "default";
            }
            else if (v.Length == 0)
            {
                v = "\"\"";
            }
            if (comment.Length > 0) comment = CommentStart + " " + comment;
            lines.Add($"  {n,-25} = {v,-20} {comment}");
        }
        lines.Sort(StringComparer.Ordinal);
        ui.Print(string.Join("\n", lines));
    }

    /// <summary>Parses a report command line such as <c>top10 -cum main >out.txt</c> (pprof's parseCommandLine).</summary>
    internal static (string[] Command, PprofConfig Config) ParseCommandLine(string[] input, PprofConfig current, Dictionary<string, string> help)
    {
        string name = input[0];
        var args = input.Skip(1).ToList();
        var c = ReportCommands.Find(name);
        if (c == null)
        {
            var d = s_tailDigits.Match(name);
            if (d.Success && d.Value != name)
            {
                name = name[..^d.Value.Length];
                args.Insert(0, d.Value);
                c = ReportCommands.Find(name);
            }
        }
        if (c == null)
        {
            if (help.ContainsKey(name))
                throw new PprofException($"did you mean: {name}={(args.Count > 0 ? args[0] : "<val>")}");
            throw new PprofException($"unrecognized command: \"{name}\"");
        }
        var cmd = new List<string> { name };
        if (c.HasParam)
        {
            if (args.Count == 0) throw new PprofException($"command {name} requires an argument");
            cmd.Add(args[0]);
            args.RemoveAt(0);
        }

        var vcopy = current.Clone();
        string focus = "", ignore = "";
        for (int i = 0; i < args.Count; i++)
        {
            string t = args[i];
            if (int.TryParse(t, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int n))
            {
                vcopy.NodeCount = n;
                continue;
            }
            switch (t[0])
            {
                case '>':
                    string outputFile = t[1..];
                    if (outputFile.Length == 0)
                    {
                        i++;
                        if (i >= args.Count) throw new PprofException("unexpected end of line after >");
                        outputFile = args[i];
                    }
                    vcopy.Output = outputFile;
                    break;
                case '-':
                    if (t is "--cum" or "-cum")
                    {
                        vcopy.Sort = "cum";
                        continue;
                    }
                    ignore = CatRegex(ignore, t[1..]);
                    break;
                default:
                    focus = CatRegex(focus, t);
                    break;
            }
        }
        if (name == "tags")
        {
            if (focus.Length > 0) vcopy.TagFocus = focus;
            if (ignore.Length > 0) vcopy.TagIgnore = ignore;
        }
        else
        {
            if (focus.Length > 0) vcopy.Focus = focus;
            if (ignore.Length > 0) vcopy.Ignore = ignore;
        }
        if (vcopy.NodeCount == -1 && c.ShellNodeCount is { } sn) vcopy.NodeCount = sn;
        return (cmd.ToArray(), vcopy);
    }

    private static string CatRegex(string a, string b) => a.Length > 0 && b.Length > 0 ? a + "|" + b : a + b;

    private static void CommandHelp(string args, Dictionary<string, string> help, PprofUI ui)
    {
        if (args.Length == 0)
        {
            ui.Print(Usage.Commands(commandLine: false) + "\n  :   Clear focus/ignore/hide/tagfocus/tagignore\n\n  type \"help <cmd|option>\" for more information\n");
            return;
        }
        if (ReportCommands.Find(args) is { } c)
        {
            ui.Print(c.Help());
            return;
        }
        if (help.TryGetValue(args, out var h))
        {
            ui.Print(h + "\n");
            return;
        }
        ui.PrintErr("Unknown command: " + args);
    }
}
