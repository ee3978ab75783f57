using System.Diagnostics;
using Pprof.Runtime;

namespace Pprof.Cli.Collect;

/// <summary>Launch mode of the watching verbs (<c>stats</c>, <c>gctrace</c>, <c>watch</c>, <c>dashboard</c>):
/// <c>-- COMMAND</c> starts the command with this terminal's standard input and output, waits until its .NET runtime
/// answers on its diagnostic socket, and the verb then watches it by process id. When the verb ends first the
/// command is ended too (as dotnet-counters does); the exit status is the command's when it exited with a failure.
/// The command must be the .NET process itself (an executable or <c>dotnet app.dll</c>), not a script that starts
/// one.</summary>
internal sealed class LaunchedTarget : IDisposable
{
    /// <summary>How long the command's runtime may take to open its diagnostic socket.</summary>
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;

    private LaunchedTarget(Process process) => _process = process;

    /// <summary>The command's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts <paramref name="command"/> and waits for its runtime; throws <see cref="ProfilerException"/>
    /// when it cannot be started, exits first, or has no .NET runtime after 30 s.</summary>
    public static LaunchedTarget Start(string[] command, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (string a in command.Skip(1)) psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new ProfilerException($"cannot start {command[0]}");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new ProfilerException($"cannot start {command[0]}: {e.Message}", e);
        }
        var target = new LaunchedTarget(process);
        var deadline = DateTime.UtcNow + s_startTimeout;
        while (!ProcessDiscovery.HasSocket(process.Id))
        {
            if (process.HasExited)
            {
                int status = process.ExitCode;
                target.Dispose();
                throw new ProfilerException($"{command[0]} exited (status {status}) before its .NET runtime could be watched");
            }
            if (DateTime.UtcNow > deadline || cancellationToken.IsCancellationRequested)
            {
                target.Dispose();
                throw new ProfilerException($"{command[0]} (pid {process.Id}) opened no .NET diagnostic socket within {s_startTimeout.TotalSeconds:0} s: is it a .NET process (not a script that starts one)?");
            }
            Thread.Sleep(20);
        }
        return target;
    }

    /// <summary>Runs <paramref name="verb"/> on the process named by <paramref name="target"/> (-p, -n) or, in launch
    /// mode, on the command after <c>--</c>; returns the verb's exit status (the command's when it failed).</summary>
    public static int RunOn(TargetOptions target, System.CommandLine.ParseResult result, VerbContext context, Func<int, int> verb)
    {
        if (context.Command.Length == 0) return verb(target.Resolve(result));
        if (target.Count(result) > 0) throw new ProfilerException("give -p, -n or -- COMMAND, not several");
        using var launched = Start(context.Command, context.CancellationToken);
        return launched.ExitStatus(verb(launched.ProcessId));
    }

    /// <summary>The verb's exit status <paramref name="verbStatus"/>, or the command's when it exited with a failure.</summary>
    public int ExitStatus(int verbStatus)
    {
        if (!_process.HasExited) return verbStatus;
        _process.WaitForExit();
        return _process.ExitCode != 0 ? _process.ExitCode : verbStatus;
    }

    /// <summary>Ends the command if it still runs.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
