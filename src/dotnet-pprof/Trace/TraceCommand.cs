using System.Globalization;
using Pprof.Cli.Driver;
using Pprof.Cli.Trace.Web;
using Pprof.Cli.Web;
using Pprof.Traces;

namespace Pprof.Cli.Trace;

/// <summary><c>dotnet-pprof trace [flags] FILE</c>, the counterpart of <c>go tool trace</c> for .nettrace execution
/// traces: <c>-pprof=TYPE</c> writes a blocking profile to standard output exactly as Go's does, <c>-chrome=OUT</c> and
/// <c>-speedscope=OUT</c> export for Perfetto/chrome://tracing and speedscope. Flags are Go-style (<c>-flag=value</c>
/// or <c>-flag value</c>, one or two dashes). Without an output flag it serves the web UI (timeline, blocking profiles,
/// analyses) as go tool trace does; <c>-summary</c> prints a text summary instead.</summary>
internal static class TraceCommand
{
    internal const string UsageText = """
        Usage: dotnet-pprof trace [flags] FILE

        Reads an execution trace (.nettrace, from dotnet-pprof collect trace, /debug/pprof/trace or Profiler.StartTrace).

        Flags:
          -pprof=TYPE        write a blocking profile derived from the trace to standard output (gzipped profile.proto):
                               net      time blocked on socket I/O (sampled)
                               sync     time blocked on locks and wait handles
                               syscall  time in system calls and other native code (sampled)
                               sched    time queued work waited for a thread-pool thread
          -chrome=OUT.json   write the timeline in the Trace Event Format (ui.perfetto.dev, chrome://tracing)
          -speedscope=OUT.json
                             write the sampled stacks of each thread in speedscope's format
          -http=HOST:PORT    serve the web UI on HOST:PORT (default localhost and a free port): the timeline
                             (View trace), the blocking profiles in pprof's views, and the trace's analyses
          -no_browser        do not open a browser for the web UI
          -summary           print a text summary of the trace (threads, GCs, blocking, annotations)
          -gc                print the GC list: generation, reason, pause, heap size before and after
          -mmu               print the minimum mutator utilization curve (from the GC pauses)
          -regions           print user tasks, regions and requests per name: count, latency percentiles and
                             histogram, instances
          -goroutines        print the goroutine analysis: threads by start routine, thread-pool work by async
                             method, with running, lock, wait, I/O, sleep, queueing and GC time per instance
        Without -pprof, -chrome, -speedscope, -summary or an analysis flag, serves the web UI (as go tool trace does).

        """;

    /// <summary>Runs the verb (arguments after <c>trace</c>); returns the exit status.</summary>
    public static int Run(string[] args, Stream stdout, bool stdoutIsTerminal, TextWriter stderr, CancellationToken cancellationToken)
    {
        const string prefix = "dotnet-pprof trace: ";
        string? pprof = null, chrome = null, speedscope = null, http = null;
        bool noBrowser = false, summary = false;
        var analyses = new HashSet<string>(StringComparer.Ordinal);
        var files = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--")
            {
                files.AddRange(args[(i + 1)..]);
                break;
            }
            if (a.Length < 2 || a[0] != '-')
            {
                files.Add(a);
                continue;
            }
            string flag = a.TrimStart('-');
            string? value = null;
            int eq = flag.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = flag[(eq + 1)..];
                flag = flag[..eq];
            }
            if (flag is "h" or "help")
            {
                stderr.Write(UsageText);
                return 0;
            }
            if (flag is "no_browser" or "summary" || TraceAnalysisText.Flags.Contains(flag))
            {
                if (value is not (null or "true" or "false"))
                {
                    stderr.WriteLine(prefix + $"invalid boolean value \"{value}\" for -{flag}");
                    return 2;
                }
                bool on = value != "false";
                if (flag == "summary") summary = on;
                else if (flag == "no_browser") noBrowser = on;
                else if (on) analyses.Add(flag);
                else analyses.Remove(flag);
                continue;
            }
            if (flag is not ("pprof" or "chrome" or "speedscope" or "http"))
            {
                stderr.WriteLine(prefix + $"flag provided but not defined: -{flag}");
                stderr.Write(UsageText);
                return 2;
            }
            if (value == null)
            {
                if (i + 1 >= args.Length)
                {
                    stderr.WriteLine(prefix + $"flag needs an argument: -{flag}");
                    return 2;
                }
                value = args[++i];
            }
            switch (flag)
            {
                case "pprof": pprof = value; break;
                case "chrome": chrome = value; break;
                case "speedscope": speedscope = value; break;
                case "http": http = value; break;
            }
        }
        if (files.Count != 1)
        {
            stderr.WriteLine(prefix + (files.Count == 0 ? "give the trace file" : "give one trace file"));
            stderr.Write(UsageText);
            return 2;
        }
        if (pprof != null && !TraceProfiles.Kinds.Contains(pprof, StringComparer.Ordinal))
        {
            stderr.WriteLine(prefix + $"unknown pprof type {pprof} (want one of {string.Join(", ", TraceProfiles.Kinds)})");
            return 2;
        }
        bool serve = http != null || (pprof == null && chrome == null && speedscope == null && !summary && analyses.Count == 0);
        if (serve)
        {
            try
            {
                WebServer.ParseHostPort(http ?? "localhost:0");
            }
            catch (PprofException e)
            {
                stderr.WriteLine(prefix + e.Message);
                return 2;
            }
        }
        if (pprof != null && stdoutIsTerminal)
        {
            stderr.WriteLine(prefix + "-pprof writes a binary profile to standard output: redirect it (> sync.pb.gz)");
            return 2;
        }
        foreach (var path in new[] { chrome, speedscope })
        {
            if (path is "")
            {
                stderr.WriteLine(prefix + "an output flag needs a file name");
                return 2;
            }
        }
        NetTrace trace;
        try
        {
            trace = NetTrace.Read(files[0], cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            string message = e is FileNotFoundException ? $"{files[0]}: no such file" : e.Message;
            stderr.WriteLine(prefix + message);
            return 1;
        }
        if (trace.LostEvents > 0) stderr.WriteLine(prefix + $"the runtime lost {trace.LostEvents} events while recording: the trace has gaps");
        try
        {
            if (pprof != null)
            {
                var profile = TraceProfiles.Build(trace, pprof);
                profile.Write(stdout);
                stdout.Flush();
            }
            if (chrome != null)
            {
                using (var f = File.Create(chrome)) ChromeTraceWriter.Write(trace, f);
                stderr.WriteLine(prefix + $"wrote {chrome} (open it in ui.perfetto.dev or chrome://tracing)");
            }
            if (speedscope != null)
            {
                using (var f = File.Create(speedscope)) SpeedscopeWriter.Write(trace, f, Path.GetFileName(files[0]));
                stderr.WriteLine(prefix + $"wrote {speedscope} (open it in speedscope.app)");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine(prefix + e.Message);
            return 1;
        }
        if (summary)
        {
            using var w = new StreamWriter(stdout, leaveOpen: true);
            w.Write(Summary(trace));
        }
        if (analyses.Count > 0)
        {
            using var w = new StreamWriter(stdout, leaveOpen: true);
            w.Write(TraceAnalysisText.Write(trace, analyses));
        }
        if (serve)
        {
            try
            {
                return TraceWebServer.Serve(http ?? "localhost:0", trace, Path.GetFileName(files[0]), noBrowser, stderr, cancellationToken);
            }
            catch (PprofException e)
            {
                stderr.WriteLine(prefix + e.Message);
                return 1;
            }
        }
        return 0;
    }

    /// <summary>A text summary: threads, samples, GCs and their pauses, blocking by kind, exceptions, user annotations.</summary>
    internal static string Summary(NetTrace trace)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(string.Create(inv, $"trace of pid {trace.ProcessId}, started {trace.StartTime:yyyy-MM-dd HH:mm:ss}Z, {trace.DurationNanos / 1e9:0.00}s, {trace.EventCount} events"));
        sb.AppendLine(string.Create(inv, $"threads: {trace.Threads.Count} ({trace.Threads.Count(t => t.Name.Length > 0)} named); samples: {trace.Samples.Count}"));
        if (trace.Gcs.Count > 0)
        {
            sb.AppendLine(string.Create(inv, $"GCs: {trace.Gcs.Count} (gen0 {trace.Gcs.Count(g => g.Generation == 0)}, gen1 {trace.Gcs.Count(g => g.Generation == 1)}, gen2 {trace.Gcs.Count(g => g.Generation == 2)}), pauses total {trace.Gcs.Sum(g => g.PauseNanos) / 1e6:0.0}ms, max {trace.Gcs.Max(g => g.PauseNanos) / 1e6:0.0}ms"));
        }
        else
        {
            sb.AppendLine("GCs: 0");
        }
        foreach (var kind in Enum.GetValues<TraceBlockKind>())
        {
            var b = trace.Blocks.Where(x => x.Kind == kind).ToList();
            if (b.Count > 0) sb.AppendLine(string.Create(inv, $"{kind}: {b.Count} waits, {b.Sum(x => x.DurationNanos) / 1e6:0.0}ms total"));
        }
        int exceptions = trace.Instants.Count(i => i.Kind == "exception");
        if (exceptions > 0) sb.AppendLine(string.Create(inv, $"exceptions: {exceptions}"));
        foreach (var g in trace.Spans.GroupBy(s => s.Kind))
        {
            sb.AppendLine(string.Create(inv, $"{g.Key}s: {g.Count()} ({string.Join(", ", g.GroupBy(s => s.Name).Take(8).Select(n => $"{n.Key} x{n.Count()}"))})"));
        }
        return sb.ToString();
    }
}
