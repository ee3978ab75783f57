using Pprof.Profiles;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Pprof.Report;

namespace Pprof.Report.Tests;

/// <summary>Builds <see cref="ReportOptions"/> the way pprof's driver does for the conformance pack's simple cases
/// (no filters, no legacy formats) and runs the report on the profile, so report output can be compared with
/// <c>go tool pprof</c>'s expected output before the CLI exists.</summary>
internal static class ReportConformanceHelper
{
    /// <summary>The conformance pack folder: <c>&lt;repo root&gt;/../shared/conformance/pprof</c>.</summary>
    internal static string PackDir([CallerFilePath] string thisFile = "")
    {
        string repo = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
        return Path.GetFullPath(Path.Combine(repo, "..", "shared", "conformance", "pprof"));
    }

    internal static string Expected(string name) => File.ReadAllText(Path.Combine(PackDir(), "expected", name + ".out"));

    internal static int ExpectedExitCode(string name) => int.Parse(File.ReadAllText(Path.Combine(PackDir(), "expected", name + ".rc")).Trim());

    /// <summary>The arguments of a case in cases.txt.</summary>
    internal static string[] CaseArgs(string name)
    {
        foreach (var line in File.ReadLines(Path.Combine(PackDir(), "cases.txt")))
        {
            int bar = line.IndexOf('|');
            if (bar > 0 && line.AsSpan(0, bar).SequenceEqual(name)) return line.Substring(bar + 1).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        throw new ArgumentException("no such case: " + name);
    }

    /// <summary>Runs a case of the pack through <see cref="ReportGenerator"/> with driver-equivalent options.</summary>
    internal static string Run(string name) => RunArgs(CaseArgs(name), PackDir());

    /// <summary>The report engine's own fixtures folder (TestData next to this file).</summary>
    internal static string TestDataDir([CallerFilePath] string thisFile = "") => Path.Combine(Path.GetDirectoryName(thisFile)!, "TestData");

    /// <summary>The profile and options of a case of TestData/cases.txt, with the output <c>go tool pprof</c> printed
    /// for it.</summary>
    internal static (Profile Profile, ReportOptions Options, string Expected) Synthetic(string name)
    {
        string dir = TestDataDir();
        foreach (var line in File.ReadLines(Path.Combine(dir, "cases.txt")))
        {
            if (!line.StartsWith(name + "|", StringComparison.Ordinal)) continue;
            var (profile, options) = Prepare(line.Substring(name.Length + 1).Split(' '), dir);
            return (profile, options, File.ReadAllText(Path.Combine(dir, name + ".out")));
        }
        throw new ArgumentException("no such case: " + name);
    }

    /// <summary>Runs <c>go tool pprof</c>-style arguments (file paths relative to <paramref name="baseDir"/>, which
    /// also stands for the working directory) through <see cref="ReportGenerator"/> with driver-equivalent options.</summary>
    internal static string RunArgs(string[] args, string baseDir)
    {
        var (profile, options) = Prepare(args, baseDir);
        var ms = new MemoryStream();
        ReportGenerator.Generate(ms, profile, options);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>The profile (aggregated per granularity) and options the driver would run <paramref name="args"/>
    /// with.</summary>
    internal static (Profile Profile, ReportOptions Options) Prepare(string[] args, string baseDir)
    {
        int nodeCount = -1;
        bool mean = false, callTree = false;
        double divideBy = 1;
        string? sourcePath = null, trimPath = null;
        double nodeFraction = 0.005, edgeFraction = 0.001;
        bool compact = false, cum = false, noInlines = false;
        string unit = "minimum", granularity = "functions", sampleIndex = "";
        string? command = null, symbol = null, file = null;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a.StartsWith("-nodecount=", StringComparison.Ordinal)) nodeCount = int.Parse(a.AsSpan(11));
            else if (a.StartsWith("-nodefraction=", StringComparison.Ordinal)) nodeFraction = double.Parse(a.AsSpan(14), System.Globalization.CultureInfo.InvariantCulture);
            else if (a.StartsWith("-edgefraction=", StringComparison.Ordinal)) edgeFraction = double.Parse(a.AsSpan(14), System.Globalization.CultureInfo.InvariantCulture);
            else if (a == "-compact_labels") compact = true;
            else if (a.StartsWith("-unit=", StringComparison.Ordinal)) unit = a.Substring(6);
            else if (a == "-symbolize=none") { }
            else if (a == "-cum") cum = true;
            else if (a == "-noinlines") noInlines = true;
            else if (a is "-lines" or "-files" or "-addresses" or "-functions") granularity = a.Substring(1);
            else if (a == "-inuse_objects") sampleIndex = "inuse_objects";
            else if (a.StartsWith("-sample_index=", StringComparison.Ordinal)) sampleIndex = a.Substring(14);
            else if (a == "-mean") mean = true;
            else if (a == "-call_tree") callTree = true;
            else if (a.StartsWith("-divide_by=", StringComparison.Ordinal)) divideBy = double.Parse(a.AsSpan(11), System.Globalization.CultureInfo.InvariantCulture);
            else if (a.StartsWith("-source_path=", StringComparison.Ordinal)) sourcePath = a.Substring(13).Replace("SRC", baseDir, StringComparison.Ordinal);
            else if (a.StartsWith("-trim_path=", StringComparison.Ordinal)) trimPath = a.Substring(11);
            else if (a is "-peek" or "-list") { command = a.Substring(1); symbol = args[++i]; }
            else if (a.StartsWith('-')) command = a.Substring(1);
            else file = a;
        }
        var profile = Profile.Parse(File.ReadAllBytes(Path.Combine(baseDir, file!)));
        profile.RemoveUninteresting();
        var format = command switch
        {
            "top" => ReportFormat.Text,
            "tree" or "peek" => ReportFormat.Tree,
            "traces" => ReportFormat.Traces,
            "tags" => ReportFormat.Tags,
            "comments" => ReportFormat.Comments,
            "callgrind" => ReportFormat.Callgrind,
            "dot" => ReportFormat.Dot,
            "list" => ReportFormat.List,
            "raw" => ReportFormat.Raw,
            _ => throw new ArgumentException("unsupported command " + command),
        };

        // applyCommandOverrides
        bool trim = true;
        switch (command)
        {
            case "peek": trim = false; break;
            case "list": trim = false; granularity = "lines"; break;
            case "top": if (nodeCount == -1) nodeCount = 0; break;
            default: if (nodeCount == -1) nodeCount = 80; break;
        }
        if (format is ReportFormat.Raw or ReportFormat.Callgrind)
        {
            trim = false;
            granularity = "addresses";
            noInlines = false;
        }
        if (!trim)
        {
            nodeCount = 0;
            nodeFraction = 0;
            edgeFraction = 0;
        }

        int index = profile.SampleTypes.Count - 1;
        string wanted = sampleIndex.Length != 0 ? sampleIndex : profile.DefaultSampleType;
        if (wanted.Length != 0) index = profile.SampleTypes.FindIndex(t => t.Type == wanted);
        var options = new ReportOptions
        {
            OutputFormat = format,
            CumSort = cum,
            CallTree = callTree,
            Ratio = 1 / divideBy,
            SampleMeanDivisor = mean ? v => v[0] : null,
            TrimPath = trimPath ?? "",
            CompactLabels = compact,
            NodeCount = nodeCount,
            NodeFraction = nodeFraction,
            EdgeFraction = edgeFraction,
            NumLabelUnits = NumLabelUnits(profile),
            SampleValue = v => v[index],
            SampleType = (mean ? "mean_" : "") + profile.SampleTypes[index].Type,
            SampleUnit = profile.SampleTypes[index].Unit,
            OutputUnit = unit,
            Symbol = symbol == null ? null : new Regex(symbol),
            SourcePath = sourcePath ?? baseDir,
        };
        if (profile.Mappings.Count > 0 && profile.Mappings[0].File.Length != 0) options.Title = Path.GetFileName(profile.Mappings[0].File);
        options.Total = ReportGenerator.ComputeTotal(profile, options);
        Aggregate(profile, granularity, !noInlines);
        return (profile, options);
    }

    /// <summary>pprof's Profile.Aggregate as the driver applies it per granularity.</summary>
    private static void Aggregate(Profile p, string granularity, bool inlines)
    {
        bool function = false, filename = false, linenumber = false, address = false;
        switch (granularity)
        {
            case "addresses":
                if (inlines) return;
                function = filename = linenumber = address = true;
                break;
            case "lines": function = filename = linenumber = true; break;
            case "files": filename = true; break;
            case "functions": function = true; break;
        }
        foreach (var f in p.Functions)
        {
            if (!function)
            {
                f.Name = "";
                f.SystemName = "";
            }
            if (!filename) f.Filename = "";
        }
        foreach (var l in p.Locations)
        {
            if (!inlines && l.Lines.Length > 1) l.Lines = new[] { l.Lines[^1] };
            if (!linenumber)
            {
                for (int i = 0; i < l.Lines.Length; i++) l.Lines[i].LineNumber = 0;
            }
            if (!address) l.Address = 0;
        }
    }

    private static Dictionary<string, string> NumLabelUnits(Profile p)
    {
        var units = new Dictionary<string, string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in p.Samples)
        {
            if (s.NumLabels == null) continue;
            foreach (var k in s.NumLabels.Keys)
            {
                keys.Add(k);
                if (s.NumUnits == null || !s.NumUnits.TryGetValue(k, out var us)) continue;
                foreach (var u in us)
                {
                    if (u.Length != 0) units.TryAdd(k, u);
                }
            }
        }
        foreach (var k in keys)
        {
            if (!units.ContainsKey(k)) units[k] = k is "alignment" or "request" ? "bytes" : k;
        }
        return units;
    }
}
