using System.CommandLine;
using System.CommandLine.Parsing;
using Pprof.Runtime;

namespace Pprof.Cli.Collect;

/// <summary>How a verb names its target process, as dotnet-trace does: <c>-p|--process-id</c>, <c>-n|--name</c>, and
/// (for <c>collect</c>) <c>--diagnostic-port</c>.</summary>
internal sealed class TargetOptions
{
    public Option<int?> ProcessId { get; } = new("--process-id", "-p")
    {
        Description = "The process id (see dotnet-pprof ps).",
        HelpName = "pid",
        CustomParser = ParsePid,
    };

    public Option<string?> Name { get; }

    public Option<string?> DiagnosticPort { get; } = new("--diagnostic-port")
    {
        Description = "Listen on this socket path for a process started with DOTNET_DiagnosticPorts=PATH; profiling starts before its first instruction.",
        HelpName = "path",
    };

    private readonly bool _withPort;

    /// <param name="withPort">Whether <c>--diagnostic-port</c> is offered.</param>
    /// <param name="nameAlias">Whether <c>--name</c> has the short form <c>-n</c> (not for <c>leaks</c>, where <c>-n</c> is the
    /// number of snapshots, as in pprof's usage).</param>
    public TargetOptions(bool withPort, bool nameAlias = true)
    {
        _withPort = withPort;
        Name = new Option<string?>("--name", nameAlias ? new[] { "-n" } : Array.Empty<string>())
        {
            Description = "The process name: its short name, its executable's, or for 'dotnet app.dll' the application's ('app'). Must name exactly one process.",
            HelpName = "name",
        };
    }

    public void AddTo(Command command)
    {
        command.Add(ProcessId);
        command.Add(Name);
        if (_withPort) command.Add(DiagnosticPort);
    }

    /// <summary>The process id given by -p or -n; throws <see cref="ProfilerException"/> with one line when there is none,
    /// or when it is not a .NET process that can be profiled.</summary>
    public int Resolve(ParseResult result, bool needsDiagnostics = true)
    {
        int? pid = result.GetValue(ProcessId);
        string? name = result.GetValue(Name);
        if (pid != null && name != null) throw new ProfilerException("give -p or -n, not both");
        if (name != null)
        {
            var found = ProcessDiscovery.FindByName(name);
            if (found.Count == 0) throw new ProfilerException($"no .NET process named {name} (see dotnet-pprof ps)");
            if (found.Count > 1) throw new ProfilerException($"{found.Count} .NET processes are named {name} (pids {string.Join(", ", found)}): choose one with -p");
            pid = found[0];
        }
        if (pid == null) throw new ProfilerException("which process? give -p PID or -n NAME (see dotnet-pprof ps)" + (_withPort ? ", --diagnostic-port PATH, or -- COMMAND to start one" : ""));
        if (needsDiagnostics) ProcessDiscovery.EnsureProfilable(pid.Value);
        else if (!ProcessDiscovery.IsAlive(pid.Value)) throw new ProfilerException($"no process with pid {pid.Value}");
        return pid.Value;
    }

    /// <summary>How many ways of naming the process were given.</summary>
    public int Count(ParseResult result) =>
        (result.GetValue(ProcessId) != null ? 1 : 0) + (result.GetValue(Name) != null ? 1 : 0) + (_withPort && result.GetValue(DiagnosticPort) != null ? 1 : 0);

    private static int? ParsePid(ArgumentResult r)
    {
        string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) && pid > 0) return pid;
        r.AddError($"invalid process id \"{text}\"");
        return null;
    }
}
