using Pprof.Profiles.Go;
using Pprof.Profiles;
using Pprof.Report;
using Pprof.Report.Reports;

namespace Pprof.Cli.Driver;

/// <summary>pprof's driver: parses the command line, fetches the profiles, then writes one report or runs the shell
/// (Go's <c>driver.PProf</c>).</summary>
internal static class PprofDriver
{
    /// <summary>Runs pprof with <paramref name="args"/>; returns the exit status. Errors are printed as one line on stderr.</summary>
    /// <param name="webUi">Serves <c>-http</c> (the web UI layer on top of the driver, as Go's
    /// <c>driver.Options.HTTPServer</c>); null: <c>-http</c> is an error.</param>
    public static int Run(IReadOnlyList<string> args, PprofUI ui, Fetcher? fetcher = null, WebUiServer? webUi = null)
    {
        try
        {
            var cl = CommandLine.Parse(args, ui);
            if (cl.HelpRequested)
            {
                var text = System.Text.Encoding.UTF8.GetBytes(Usage.CommandLine());
                ui.Output.Write(text);
                ui.Output.Flush();
                return 0;
            }
            // One report, then exit: collections stay deferred from decoding to the end of the report (the heap is
            // mostly the profile, which lives until then). An interactive session collects as usual.
            fetcher ??= new Fetcher(ui) { Gc = cl.Command != null ? GcPolicy.DeferThroughReport : GcPolicy.DeferWhileDecoding };
            Profile p;
            try
            {
                p = fetcher.FetchProfiles(cl.Source);
            }
            finally
            {
                if (cl.Command == null) GcPolicy.End();
            }
            if (cl.Command != null)
            {
                // The profile is not needed after the report, so it need not be copied.
                try
                {
                    GenerateReport(p, cl.Command, cl.Config, ui, consumeProfile: true);
                }
                finally
                {
                    GcPolicy.End();
                }
                return 0;
            }
            if (cl.Source.HttpHostport.Length > 0)
            {
                if (webUi == null) throw new PprofException("-http: this build has no web UI");
                return webUi(cl.Source.HttpHostport, p, cl.Config, ui, cl.Source.HttpDisableBrowser);
            }
            return Shell.Run(p, cl.Config, ui);
        }
        catch (OutputClosedException)
        {
            // The reader of standard output went away: stop quietly, as a broken pipe stops pprof.
            return 1;
        }
        catch (Exception e) when (IsUserError(e))
        {
            ui.PrintErr(ErrorLine(e));
            return 1;
        }
        finally
        {
            ui.CleanupTempFiles();
        }
    }

    /// <summary>True for the errors that are reported as one line (everything but programming errors).</summary>
    internal static bool IsUserError(Exception e) =>
        e is PprofException or ProfileFormatException or ReportException or IOException or UnauthorizedAccessException
            or InvalidOperationException or ArgumentException or FormatException or OverflowException or NotSupportedException
            or OutOfMemoryException or System.ComponentModel.Win32Exception or HttpRequestException;

    /// <summary>The one-line message for an error: <c>dotnet-pprof: MESSAGE</c>.</summary>
    internal static string ErrorLine(Exception e)
    {
        string msg = e.Message;
        if (e is OutOfMemoryException) msg = "out of memory reading the profile";
        msg = msg.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').TrimEnd();
        return Usage.ToolName + ": " + msg;
    }

    /// <summary>Generates the report for <paramref name="cmd"/> (name and optional regexp argument) and writes it to
    /// standard output or <c>-output</c> (pprof's generateReport).</summary>
    /// <param name="consumeProfile">True when the caller will not use <paramref name="p"/> again, so the report may
    /// modify it in place instead of working on a copy (the one-shot command line).</param>
    public static void GenerateReport(Profile p, string[] cmd, PprofConfig cfg, PprofUI ui, bool consumeProfile = false)
    {
        var (c, profile, ropt) = GenerateRawReport(p, cmd, cfg, ui, consumeProfile);
        var dst = new MemoryStream();
        (c.Writer ?? ReportGenerator.Generate)(dst, profile, ropt);
        ReadOnlyMemory<byte> src = dst.GetBuffer().AsMemory(0, (int)dst.Length);
        if (c.PostProcess != null)
        {
            var post = new MemoryStream();
            c.PostProcess(src, post, ui);
            src = post.GetBuffer().AsMemory(0, (int)post.Length);
        }
        string output = ApplyCommandOverrides(c, cfg).Output;
        if (output.Length == 0)
        {
            if (c.Visualizer != null)
            {
                c.Visualizer(src, ui.Output, ui);
            }
            else
            {
                ui.Output.Write(src.Span);
            }
            ui.Output.Flush();
            return;
        }
        ui.PrintErr("Generating report in " + output);
        try
        {
            using var f = new FileStream(output, FileMode.Create, FileAccess.Write);
            f.Write(src.Span);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = e switch
            {
                UnauthorizedAccessException => Directory.Exists(output) ? "is a directory" : "permission denied",
                DirectoryNotFoundException or FileNotFoundException => "no such file or directory",
                _ => e.Message,
            };
            throw new PprofException($"open {output}: {why}");
        }
    }

    /// <summary>Prepares a copy of <paramref name="p"/> and the report options for <paramref name="cmd"/>: overrides,
    /// tag roots, focus filters, aggregation (pprof's generateRawReport).</summary>
    public static (ReportCommand Command, Profile Profile, ReportOptions Options) GenerateRawReport(Profile p, string[] cmd, PprofConfig cfg, PprofUI ui, bool consumeProfile = false)
    {
        if (!consumeProfile) p = p.Copy();
        var numLabelUnits = IdentifyNumLabelUnits(p, ui);
        var c = ReportCommands.Find(cmd[0]) ?? throw new PprofException($"unrecognized command: \"{cmd[0]}\"");
        cfg = ApplyCommandOverrides(c, cfg);

        TagRoots.Generate(p, cfg, ui);

        bool relative = cfg.RelativePercentages;
        if (relative) Focus.Apply(p, numLabelUnits, cfg, ui);
        var ropt = ReportOptionsFor(p, numLabelUnits, cfg);
        ropt.OutputFormat = c.Format;
        if (cmd.Length == 2)
        {
            try
            {
                ropt.Symbol = GoRegex.Compile(cmd[1]);
            }
            catch (GoRegexException e)
            {
                throw new PprofException($"parsing argument regexp {cmd[1]}: {e.Message}");
            }
        }
        // Percentages are relative to the total before focusing (unless -relative_percentages).
        ropt.Total = ReportGenerator.ComputeTotal(p, ropt);
        if (!relative) Focus.Apply(p, numLabelUnits, cfg, ui);
        Aggregate(p, cfg);
        return (c, p, ropt);
    }

    /// <summary>Applies the option overrides a command implies (pprof's applyCommandOverrides).</summary>
    public static PprofConfig ApplyCommandOverrides(ReportCommand c, PprofConfig cfg)
    {
        cfg = cfg.Clone();
        bool trim = cfg.Trim;
        if (c.NoTrim) trim = false;
        if (c.Granularity != null) cfg.Granularity = c.Granularity;
        if (c.NoInlines is { } ni) cfg.NoInlines = ni;
        if (cfg.NodeCount == -1) cfg.NodeCount = c.DefaultNodeCount;
        if (c.Format is ReportFormat.Proto or ReportFormat.Raw or ReportFormat.Callgrind)
        {
            trim = false;
            cfg.Granularity = "addresses";
            cfg.NoInlines = false;
        }
        if (!trim)
        {
            cfg.NodeCount = 0;
            cfg.NodeFraction = 0;
            cfg.EdgeFraction = 0;
        }
        return cfg;
    }

    /// <summary>Merges locations to the configured granularity (pprof's aggregate).</summary>
    public static void Aggregate(Profile p, PprofConfig cfg)
    {
        bool function = false, filename = false, linenumber = false, address = false;
        bool inlines = !cfg.NoInlines;
        switch (cfg.Granularity)
        {
            case "addresses":
                if (inlines) return;
                function = filename = linenumber = address = true;
                break;
            case "lines":
                function = filename = linenumber = true;
                break;
            case "files":
                filename = true;
                break;
            case "functions":
                function = true;
                break;
            case "filefunctions":
                function = filename = true;
                break;
            default:
                throw new PprofException("unexpected granularity");
        }
        // The profile was validated when fetched and every step since keeps it valid: skip Aggregate's full check.
        p.Aggregate(inlines, function, filename, linenumber, false, address, check: false);
    }

    /// <summary>Builds the report options from the configuration (pprof's reportOptions).</summary>
    public static ReportOptions ReportOptionsFor(Profile p, Dictionary<string, string> numLabelUnits, PprofConfig cfg)
    {
        if (p.SampleTypes.Count == 0) throw new PprofException("profile has no samples");
        int index = p.SampleIndexByName(cfg.SampleIndex);
        var sampleType = p.SampleTypes[index];
        string stype = cfg.Mean ? "mean_" + sampleType.Type : sampleType.Type;
        if (cfg.DivideBy == 0) throw new PprofException("zero divisor specified");

        var filters = new List<string>();
        void AddFilter(string k, string v)
        {
            if (v.Length > 0) filters.Add(k + "=" + v);
        }
        AddFilter("focus", cfg.Focus);
        AddFilter("ignore", cfg.Ignore);
        AddFilter("hide", cfg.Hide);
        AddFilter("show", cfg.Show);
        AddFilter("show_from", cfg.ShowFrom);
        AddFilter("tagfocus", cfg.TagFocus);
        AddFilter("tagignore", cfg.TagIgnore);
        AddFilter("tagshow", cfg.TagShow);
        AddFilter("taghide", cfg.TagHide);

        var ropt = new ReportOptions
        {
            CumSort = cfg.Sort == "cum",
            CallTree = cfg.CallTree,
            DropNegative = cfg.DropNegative,
            CompactLabels = cfg.CompactLabels,
            Ratio = 1 / cfg.DivideBy,
            NodeCount = cfg.NodeCount,
            NodeFraction = cfg.NodeFraction,
            EdgeFraction = cfg.EdgeFraction,
            ActiveFilters = filters,
            NumLabelUnits = numLabelUnits,
            SampleValue = v => v[index],
            SampleMeanDivisor = cfg.Mean ? v => v[0] : null,
            SampleType = stype,
            SampleUnit = sampleType.Unit,
            OutputUnit = cfg.Unit,
            SourcePath = cfg.SourcePath,
            TrimPath = cfg.TrimPath,
            IntelSyntax = cfg.IntelSyntax,
        };
        if (p.Mappings.Count > 0 && p.Mappings[0].File.Length > 0) ropt.Title = Path.GetFileName(p.Mappings[0].File);
        return ropt;
    }

    /// <summary>The unit of each numeric label, warning about keys seen with several units (pprof's identifyNumLabelUnits).</summary>
    public static Dictionary<string, string> IdentifyNumLabelUnits(Profile p, PprofUI ui)
    {
        var (units, ignored) = p.NumLabelUnits();
        foreach (var (k, list) in ignored.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            ui.PrintErr($"For tag {k} used unit {units.GetValueOrDefault(k, "")}, also encountered unit(s) {string.Join(", ", list)}");
        }
        return units;
    }
}
