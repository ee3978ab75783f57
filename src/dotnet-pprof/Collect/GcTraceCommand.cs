using System.CommandLine;
using Pprof.Runtime.Stats;

namespace Pprof.Cli.Collect;

/// <summary><c>dotnet-pprof gctrace -p PID [-d DURATION] [-json]</c>: one line per garbage collection of a running .NET
/// process, in the spirit of Go's <c>GODEBUG=gctrace=1</c> (see <see cref="GcEvent.ToString"/>), or JSON lines.</summary>
internal static class GcTraceCommand
{
    public static Command Create(VerbContext context)
    {
        var target = new TargetOptions(withPort: false);
        var duration = new Option<TimeSpan?>("--duration", "-d")
        {
            Description = "How long to trace: 30s, 1m, 500ms or hh:mm:ss. Default: until Ctrl+C or the process exits.",
            HelpName = "duration",
            CustomParser = r => CollectCommands.ParseDurationOption(r, "duration", "examples: 30s, 1m, 500ms, 00:00:30"),
        };
        var json = new Option<bool>("--json", "-json")
        {
            Description = "One JSON object per GC (every field, units in the names) instead of the gctrace line.",
        };
        var gctrace = new Command("gctrace", "Prints one line per garbage collection of a running .NET process, like Go's GODEBUG=gctrace=1: 'gc 12 @3.120s 2%: gen1 (AllocSmall) pause 0.8 ms, 12->8 MB heap, 40 MB committed, 3 MB promoted' = GC number, time since the process started, % of the time since tracing started spent paused for GC, generation collected (and background/foreground), reason, pause, GC heap before->after, memory committed by the GC, bytes that survived. MB = 1e6 bytes.");
        target.AddTo(gctrace);
        gctrace.Add(duration);
        gctrace.Add(json);
        gctrace.SetAction(r => LaunchedTarget.RunOn(target, r, context, pid => Run(pid, r.GetValue(duration), r.GetValue(json), context)));
        return gctrace;
    }

    private static int Run(int pid, TimeSpan? duration, bool json, VerbContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        if (duration is TimeSpan d) stop.CancelAfter(d);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = !stop.IsCancellationRequested;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return RunAsync(pid, json, context, stop.Token).GetAwaiter().GetResult();
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task<int> RunAsync(int pid, bool json, VerbContext context, CancellationToken ct)
    {
        await foreach (var gc in GcTrace.WatchAsync(pid, ct).ConfigureAwait(false))
        {
            context.Out.WriteLine(json ? RuntimeStatsFormat.Json(gc) : gc.ToString());
            context.Out.Flush();
        }
        if (!ct.IsCancellationRequested) context.Err.WriteLine($"dotnet-pprof gctrace: process {pid} exited");
        return 0;
    }
}
