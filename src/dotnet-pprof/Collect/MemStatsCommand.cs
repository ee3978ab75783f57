using System.Globalization;
using Pprof.Runtime.MemStats;

namespace Pprof.Cli.Collect;

/// <summary><c>dotnet-pprof memstats -p PID [-json]</c>: a runtime.MemStats-style snapshot of a running .NET process
/// (GC heap, generations, collections, pauses, RSS/VIRT/SHR, cgroup limit), as text or expvar-style JSON.</summary>
internal static class MemStatsCommand
{
    private const string Usage =
        "usage: dotnet-pprof memstats -p PID [-json]\n\n" +
        "Prints memory and GC statistics of a running .NET process, shaped like Go's runtime.MemStats.\n\n" +
        "Options:\n" +
        "  -p, --pid PID   the process (see dotnet-pprof ps)\n" +
        "  -json           JSON shaped like expvar's /debug/vars ({\"cmdline\": [...], \"memstats\": {...}})\n";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        int pid = 0;
        bool json = false;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            switch (a)
            {
                case "-h" or "--help" or "-help":
                    stdout.Write(Usage);
                    return 0;
                case "-json" or "--json":
                    json = true;
                    break;
                case "-p" or "--pid" or "-pid":
                    if (++i >= args.Length || !int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out pid) || pid <= 0)
                    {
                        stderr.WriteLine($"dotnet-pprof memstats: invalid pid \"{(i < args.Length ? args[i] : "")}\"");
                        return 2;
                    }
                    break;
                default:
                    if (a.StartsWith("-p=", StringComparison.Ordinal) || a.StartsWith("--pid=", StringComparison.Ordinal))
                    {
                        if (!int.TryParse(a[(a.IndexOf('=') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out pid) || pid <= 0)
                        {
                            stderr.WriteLine($"dotnet-pprof memstats: invalid pid \"{a}\"");
                            return 2;
                        }
                        break;
                    }
                    stderr.WriteLine($"dotnet-pprof memstats: unexpected argument {a}");
                    return 2;
            }
        }
        if (pid == 0)
        {
            stderr.WriteLine("dotnet-pprof memstats: -p PID is required (see dotnet-pprof ps)");
            return 2;
        }
        if (!Directory.Exists($"/proc/{pid}"))
        {
            stderr.WriteLine($"dotnet-pprof memstats: no process with pid {pid}");
            return 1;
        }
        var m = MemStatsReader.Read(pid, null, cancellationToken);
        stdout.Write(json ? MemStatsFormat.Json(m) : MemStatsFormat.Trailer(m).TrimStart('\n'));
        return 0;
    }
}
