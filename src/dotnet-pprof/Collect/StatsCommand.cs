using System.CommandLine;
using System.Globalization;
using System.Text;
using Pprof.Runtime;
using Pprof.Runtime.Stats;

namespace Pprof.Cli.Collect;

/// <summary><c>dotnet-pprof stats -p PID [-interval 1s] [-count N] [-json]</c>: one line of runtime statistics per
/// interval (CPU, memory, GC, threads, thread pool, contention, exceptions), as an aligned table or JSON lines, in the
/// manner of <c>gops stats</c> and <c>dotnet-counters monitor</c>. Reads <see cref="RuntimeStatsReader"/>.</summary>
internal static class StatsCommand
{
    private const int HeaderEvery = 20;

    public static Command Create(VerbContext context)
    {
        var target = new TargetOptions(withPort: false);
        var interval = new Option<TimeSpan>("--interval", "-interval")
        {
            Description = "Time between lines: 1s, 500ms, 2m or hh:mm:ss (at least 100ms). Default 1s.",
            HelpName = "duration",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(1),
            CustomParser = r => CollectCommands.ParseDurationOption(r, "interval", "at least 100ms; examples: 1s, 500ms, 00:00:05", RuntimeStatsReader.MinimumInterval) ?? default,
        };
        var count = new Option<int?>("--count", "-count")
        {
            Description = "Stop after this many lines (default: until Ctrl+C or the process exits).",
            HelpName = "n",
            CustomParser = r =>
            {
                string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0) return n;
                r.AddError($"invalid count \"{text}\" (a positive number)");
                return null;
            },
        };
        var json = new Option<bool>("--json", "-json")
        {
            Description = "One JSON object per line (every field, units in the names) instead of the table.",
        };
        var stats = new Command("stats", "Prints runtime statistics of a running .NET process every interval: CPU, RSS, GC heap, allocation rate, GCs, pause %, threads, thread pool, lock contention, exceptions, timers, JIT. The first line comes after two intervals (the first is the baseline).");
        target.AddTo(stats);
        stats.Add(interval);
        stats.Add(count);
        stats.Add(json);
        stats.SetAction(r => LaunchedTarget.RunOn(target, r, context, pid => Run(pid, r.GetValue(interval), r.GetValue(count), r.GetValue(json), context)));
        return stats;
    }

    private static int Run(int pid, TimeSpan interval, int? count, bool json, VerbContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = !stop.IsCancellationRequested;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return RunAsync(pid, interval, count, json, context, stop.Token).GetAwaiter().GetResult();
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task<int> RunAsync(int pid, TimeSpan interval, int? count, bool json, VerbContext context, CancellationToken ct)
    {
        int lines = 0;
        RuntimeStats? previous = null;
        await foreach (var s in RuntimeStatsReader.WatchAsync(pid, interval, ct).ConfigureAwait(false))
        {
            if (json)
            {
                context.Out.WriteLine(RuntimeStatsFormat.Json(s));
            }
            else
            {
                if (lines == 0) context.Out.WriteLine(Preamble(s));
                if (lines % HeaderEvery == 0) context.Out.WriteLine(Header);
                context.Out.WriteLine(Row(previous, s));
            }
            context.Out.Flush();
            previous = s;
            if (++lines == count) return 0;
        }
        if (ct.IsCancellationRequested) return 0;
        context.Err.WriteLine($"dotnet-pprof stats: process {pid} exited");
        return lines > 0 ? 0 : 1;
    }

    // Columns: name and width; values are right-aligned.
    private static readonly (string Name, int Width)[] s_columns =
    {
        ("TIME", 8), ("CPU%", 6), ("RSS", 7), ("HEAP", 7), ("COMMIT", 7), ("FRAG", 6), ("ALLOC/s", 8),
        ("GC0", 4), ("GC1", 4), ("GC2", 4), ("PAUSE%", 6), ("THR", 4), ("TP", 4), ("TPQ", 5), ("TP/s", 7),
        ("LOCK/s", 7), ("EXC/s", 6), ("TIMERS", 6), ("JIT", 6),
    };

    private static string Header => Join(s_columns.Select(c => c.Name).ToArray());

    private static string Preamble(RuntimeStats s)
    {
        var inv = CultureInfo.InvariantCulture;
        string limit = s.MemoryLimitBytes is long l ? Size(l) + "B" : "none";
        string cpus = s.ProcessorCount is int n ? n.ToString(inv) : "?";
        return $"# pid {s.ProcessId}, {cpus} processors, cgroup memory limit {limit}; sizes in MB (1e6 bytes), CPU% of one core, GCn = GCs of generation n in the interval";
    }

    private static string Row(RuntimeStats? previous, RuntimeStats s)
    {
        var inv = CultureInfo.InvariantCulture;
        string Delta(long? now, long? before) => now is long a ? (before is long b ? Math.Max(0, a - b) : a).ToString(inv) : "-";
        return Join(new[]
        {
            s.Time.ToLocalTime().ToString("HH:mm:ss", inv),
            Pct(s.CpuPercent),
            Opt(s.RssBytes),
            Opt(s.GcHeapSizeBytes),
            Opt(s.CommittedBytes),
            Opt(s.FragmentedBytes),
            s.AllocationRateBytesPerSecond is double r ? Size((long)r) : "-",
            previous == null ? "-" : Delta(s.Gen0Collections, previous.Gen0Collections),
            previous == null ? "-" : Delta(s.Gen1Collections, previous.Gen1Collections),
            previous == null ? "-" : Delta(s.Gen2Collections, previous.Gen2Collections),
            Pct(s.GcPausePercent),
            s.ThreadCount?.ToString(inv) ?? "-",
            s.ThreadPoolThreads?.ToString(inv) ?? "-",
            s.ThreadPoolQueueLength?.ToString(inv) ?? "-",
            Rate(s.ThreadPoolCompletedPerSecond),
            Rate(s.LockContentionsPerSecond),
            Rate(s.ExceptionsPerSecond),
            s.Timers?.ToString(inv) ?? "-",
            s.JitCompiledMethods?.ToString(inv) ?? "-",
        });
    }

    private static string Join(string[] cells)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < cells.Length; i++)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(cells[i].PadLeft(s_columns[i].Width));
        }
        return sb.ToString();
    }

    private static string Opt(long? bytes) => bytes is long b ? Size(b) : "-";

    private static string Pct(double? p) => p is double x ? x.ToString(x >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture) : "-";

    private static string Rate(double? r) => r is double x ? x.ToString(x >= 100 ? "0" : "0.#", CultureInfo.InvariantCulture) : "-";

    /// <summary>Bytes in MB (1e6), one decimal below 10 MB.</summary>
    private static string Size(long bytes)
    {
        double mb = bytes / 1e6;
        return mb.ToString(mb >= 10 || mb == 0 ? "0" : "0.0", CultureInfo.InvariantCulture) + "M";
    }
}
