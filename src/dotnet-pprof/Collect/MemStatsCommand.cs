using System.CommandLine;
using Pprof.Runtime.MemStats;

namespace Pprof.Cli.Collect;

/// <summary><c>dotnet-pprof memstats -p PID [--json]</c>: a runtime.MemStats-style snapshot of a running .NET process
/// (GC heap, generations, collections, pauses, RSS/VIRT/SHR, cgroup limit), as text or expvar-style JSON.</summary>
internal static class MemStatsCommand
{
    public static Command Create(VerbContext context)
    {
        var target = new TargetOptions(withPort: false);
        var json = new Option<bool>("--json", "-json")
        {
            Description = "JSON shaped like expvar's /debug/vars ({\"cmdline\": [...], \"memstats\": {...}}); the same fields as the text.",
        };
        var memstats = new Command("memstats", "Prints memory and GC statistics of a running .NET process, shaped like Go's runtime.MemStats.");
        target.AddTo(memstats);
        memstats.Add(json);
        memstats.SetAction(r =>
        {
            int pid = target.Resolve(r, needsDiagnostics: false);
            var m = MemStatsReader.Read(pid, null, context.CancellationToken);
            context.Out.Write(r.GetValue(json) ? MemStatsFormat.Json(m) : MemStatsFormat.Trailer(m).TrimStart('\n'));
            return 0;
        });
        return memstats;
    }
}
