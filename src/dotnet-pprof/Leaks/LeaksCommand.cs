using System.CommandLine;
using System.Globalization;
using Pprof.Cli.Collect;
using Pprof.Profiles;
using Pprof.Report;
using Pprof.Runtime;

namespace Pprof.Cli.Leaks;

/// <summary><c>dotnet-pprof leaks FILE1 FILE2 FILE3 …</c>: ranks what grew steadily across three or more heap or
/// retention profiles taken in time order (<see cref="LeakReport"/>), as a text table, an HTML page (<c>-o</c>) or
/// served (<c>-http</c>). With <c>-p PID</c> (or <c>--name</c>) it takes the snapshots itself: <c>-n</c> of them,
/// <c>-interval</c> apart.</summary>
internal static class LeaksCommand
{
    private const int DefaultCount = 5;
    private const int MaxCount = 100;
    private static readonly TimeSpan s_defaultInterval = TimeSpan.FromSeconds(30);

    public static Command Create(VerbContext context)
    {
        var files = new Argument<string[]>("profiles")
        {
            Arity = ArgumentArity.ZeroOrMore,
            Description = "Three or more heap or retention profiles (profile.proto files), oldest first.",
        };
        var target = new TargetOptions(withPort: false, nameAlias: false);
        var count = new Option<int?>("-n", "--count")
        {
            Description = $"With -p or --name: how many snapshots to take, 3 to {MaxCount} (default {DefaultCount}).",
            HelpName = "n",
        };
        var interval = new Option<TimeSpan?>("-interval", "--interval")
        {
            Description = "With -p or --name: the time between snapshots: 30s, 1m, 500ms or hh:mm:ss (default 30s).",
            HelpName = "duration",
            CustomParser = r => CollectCommands.ParseDurationOption(r, "interval", "examples: 30s, 1m, 500ms, 00:00:30"),
        };
        var kind = new Option<string?>("-kind", "--kind")
        {
            Description = "With -p or --name: the profile to take, retention (default: live objects by retention path) or heap (live memory by allocation site).",
            HelpName = "kind",
        };
        var sampleIndex = new Option<string?>("-sample_index", "--sample-index")
        {
            Description = "The sample type to rank by, a name or an index as pprof's -sample_index (default inuse_space).",
            HelpName = "type",
        };
        var nodeCount = new Option<int?>("-nodecount", "--nodecount")
        {
            Description = "Rows shown per table (default 10).",
            HelpName = "n",
        };
        var http = new Option<string?>("-http", "--http")
        {
            Description = "Serve the HTML report at [host]:[port] (as pprof's -http) until Ctrl+C.",
            HelpName = "host:port",
        };
        var noBrowser = new Option<bool>("-no_browser", "--no-browser") { Description = "With -http: do not open a browser." };
        var output = new Option<string?>("-output", "-o", "--output")
        {
            Description = "Write the HTML report (self-contained, a sparkline per row) to this file.",
            HelpName = "file.html",
        };
        var save = new Option<string?>("--save-dir")
        {
            Description = "With -p or --name: the directory the snapshots are written to, to read again with leaks or -base (default: the current directory).",
            HelpName = "dir",
        };
        var command = new Command("leaks", "Ranks allocation sites, types and retention paths by steady growth across three or more heap or retention profiles taken in time order, and flags the leaks: rows that grew from every snapshot to the next on a straight line. With -p PID it takes the snapshots itself.")
        {
            files,
        };
        target.AddTo(command);
        command.Add(count);
        command.Add(interval);
        command.Add(kind);
        command.Add(save);
        command.Add(sampleIndex);
        command.Add(nodeCount);
        command.Add(output);
        command.Add(http);
        command.Add(noBrowser);
        command.SetAction(r =>
        {
            var o = new LeaksOptions(r.GetValue(files) ?? Array.Empty<string>(), r.GetValue(count), r.GetValue(interval), r.GetValue(kind),
                r.GetValue(save), r.GetValue(sampleIndex), r.GetValue(nodeCount), r.GetValue(output), r.GetValue(http), r.GetValue(noBrowser));
            return Run(r, target, o, context);
        });
        return command;
    }

    /// <summary>Help text after the options.</summary>
    public static string Details => """
        Reading the report:
          Per row: whether it is flagged as a leak, the least-squares slope (growth per snapshot), the fit of a line
          (R², 0 to 1), the growth per second between the first and last snapshot, and the value in every snapshot.
          A row is a leak when it grew from every snapshot to the next, a line fits (R² >= 0.8) and it grew by at
          least 0.1% of the largest snapshot's total. A cache that fills and is trimmed, or holds a bounded number
          of entries, is not a leak. Rows are ranked leaks first, then by slope.

        Examples:
          dotnet-pprof leaks retention-1.pb.gz retention-2.pb.gz retention-3.pb.gz
          dotnet-pprof leaks -p 1234 -n 5 -interval 30s -o leaks.html
          dotnet-pprof leaks -sample_index=inuse_objects -http=:8080 h1.pb.gz h2.pb.gz h3.pb.gz h4.pb.gz

        """;

    private sealed record LeaksOptions(string[] Files, int? Count, TimeSpan? Interval, string? Kind, string? SaveDir, string? SampleIndex,
        int? NodeCount, string? Output, string? Http, bool NoBrowser);

    private static int Run(ParseResult r, TargetOptions target, LeaksOptions o, VerbContext context)
    {
        var err = context.Err;
        const string prefix = "dotnet-pprof leaks: ";
        bool live = target.Count(r) > 0;
        if (live && o.Files.Length > 0)
        {
            err.WriteLine(prefix + "give profiles or a process (-p, --name), not both");
            return 2;
        }
        if (!live && (o.Count != null || o.Interval != null || o.Kind != null || o.SaveDir != null))
        {
            err.WriteLine(prefix + "-n, -interval, -kind and --save-dir are for taking snapshots of a process: give -p PID or --name NAME");
            return 2;
        }
        if (!live && o.Files.Length < 3)
        {
            err.WriteLine(prefix + $"give three or more profiles in time order (got {o.Files.Length}), or -p PID to take them");
            return 2;
        }
        if (o.NodeCount is < 1)
        {
            err.WriteLine(prefix + "-nodecount must be 1 or more");
            return 2;
        }
        if (o.Output is { Length: 0 })
        {
            err.WriteLine(prefix + "-o needs a file name");
            return 2;
        }

        List<Profile> snapshots;
        string source;
        if (live)
        {
            int n = o.Count ?? DefaultCount;
            if (n is < 3 or > MaxCount)
            {
                err.WriteLine(prefix + $"-n must be between 3 and {MaxCount}");
                return 2;
            }
            string kindName = o.Kind ?? "retention";
            if (!string.Equals(kindName, "retention", StringComparison.OrdinalIgnoreCase) && !string.Equals(kindName, "heap", StringComparison.OrdinalIgnoreCase))
            {
                err.WriteLine(prefix + $"-kind must be retention or heap, not \"{kindName}\"");
                return 2;
            }
            var kind = RuntimeProfiles.Kinds.FirstOrDefault(k => string.Equals(k.Name, kindName, StringComparison.OrdinalIgnoreCase));
            if (kind == null)
            {
                err.WriteLine(prefix + $"this build of dotnet-pprof has no \"{kindName.ToLowerInvariant()}\" profile kind (it has: {string.Join(", ", RuntimeProfiles.KindNames)}); use -kind retention");
                return 2;
            }
            string dir = o.SaveDir ?? ".";
            if (!Directory.Exists(dir))
            {
                err.WriteLine(prefix + $"--save-dir {dir}: no such directory");
                return 2;
            }
            int pid = target.Resolve(r);
            var taken = LeakSnapshots.Take(pid, kind, n, o.Interval ?? s_defaultInterval, dir, context);
            if (taken == null) return 1;
            snapshots = taken;
            source = $"pid {pid}";
        }
        else
        {
            snapshots = new List<Profile>(o.Files.Length);
            foreach (string file in o.Files)
            {
                try
                {
                    using var stream = File.OpenRead(file);
                    snapshots.Add(Profile.Parse(stream));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ProfileFormatException or InvalidDataException)
                {
                    err.WriteLine(prefix + $"{file}: {e.Message}");
                    return 1;
                }
            }
            source = string.Join(", ", o.Files.Select(Path.GetFileName));
        }

        LeakReport report;
        try
        {
            report = LeakReport.Analyze(snapshots, new LeakReportOptions { SampleIndex = o.SampleIndex });
        }
        catch (ReportException e)
        {
            err.WriteLine(prefix + e.Message);
            return 1;
        }

        int rows = o.NodeCount ?? 10;
        context.Out.Write(LeaksText.Format(report, rows));
        context.Out.Flush();
        string html = LeaksHtml.Format(report, source, rows * 5);
        if (o.Output != null)
        {
            try
            {
                File.WriteAllText(o.Output, html);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                err.WriteLine(prefix + $"writing {o.Output}: {e.Message}");
                return 1;
            }
            err.WriteLine(prefix + $"wrote the report to {o.Output}");
        }
        if (o.Http != null) return LeaksServer.Serve(o.Http, html, o.NoBrowser, err, context.CancellationToken);
        return 0;
    }

    internal static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
