using System.CommandLine;
using System.Globalization;
using Pprof.Runtime;

namespace Pprof.Cli.Collect;

/// <summary><c>dotnet-pprof ps</c>: lists the .NET processes that can be profiled (pid, name, runtime version,
/// command line), found by their diagnostic sockets; dotnet-pprof itself is not listed.</summary>
internal static class PsCommand
{
    public static Command Create(VerbContext context)
    {
        var ps = new Command("ps", "Lists the .NET processes that can be profiled: pid, name, runtime version and command line.");
        ps.SetAction(_ => Run(context.Out, context.Err));
        return ps;
    }

    private static int Run(TextWriter stdout, TextWriter stderr)
    {
        var rows = new List<string[]>();
        foreach (int pid in ProcessDiscovery.ProcessIds())
        {
            if (pid == Environment.ProcessId) continue;
            rows.Add(new[] { pid.ToString(CultureInfo.InvariantCulture), ProcessDiscovery.ProcessName(pid), ProcessDiscovery.RuntimeVersion(pid) ?? "?", ProcessDiscovery.CommandLine(pid) });
        }
        if (rows.Count == 0)
        {
            stderr.WriteLine("dotnet-pprof ps: no .NET processes found (looked for diagnostic sockets in " + ProcessDiscovery.SocketDirectory + ")");
            return 0;
        }
        var header = new[] { "PID", "NAME", "RUNTIME", "COMMAND" };
        int w0 = Math.Max(header[0].Length, rows.Max(r => r[0].Length));
        int w1 = Math.Max(header[1].Length, rows.Max(r => r[1].Length));
        int w2 = Math.Max(header[2].Length, rows.Max(r => r[2].Length));
        foreach (var r in rows.Prepend(header))
            stdout.WriteLine($"{r[0].PadLeft(w0)}  {r[1].PadRight(w1)}  {r[2].PadRight(w2)}  {r[3]}".TrimEnd());
        return 0;
    }
}
