using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Pprof.Runtime;

namespace Pprof.Cli.Collect;

/// <summary><c>dotnet-pprof collect trace</c>: records an execution trace (.nettrace, the provider set of docs/trace.md)
/// of a running process (<c>-p</c>, <c>-n</c>), of one that connects to a diagnostic port, or of a command it starts
/// (<c>-- COMMAND</c>). Read it with <c>dotnet-pprof trace FILE</c>.</summary>
internal static class CollectTraceCommand
{
    private static readonly TimeSpan s_defaultDuration = TimeSpan.FromSeconds(5);

    public static Command Create(VerbContext context)
    {
        var target = new TargetOptions(withPort: true);
        var duration = new Option<TimeSpan?>("--duration", "-d")
        {
            Description = "How long to record: 5s, 1m, 500ms or hh:mm:ss. Default 5s; in launch mode until the command exits. Ctrl+C stops early and keeps the trace.",
            HelpName = "duration",
            CustomParser = r => CollectCommands.ParseDurationOption(r, "duration", "examples: 5s, 1m, 500ms, 00:00:30"),
        };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Where to write (default trace-PID-TIME.nettrace). Checked before recording.",
            HelpName = "file",
        };
        var command = new Command("trace", "An execution trace (.nettrace): thread samples, GC pauses, lock and wait-handle blocking, thread-pool work, exceptions, requests and user tasks/regions (Pprof.Runtime.Tracing.ExecutionTrace), read by dotnet-pprof trace FILE");
        target.AddTo(command);
        command.Add(duration);
        command.Add(output);
        command.SetAction(r => Run(r, target, duration, output, context));
        return command;
    }

    /// <summary>The help after the options.</summary>
    public static string Help => """
        What it records:
          The provider set of docs/trace.md (dotnet-pprof collect trace writes the same as /debug/pprof/trace and
          Profiler.StartTrace). Read it with:
            dotnet-pprof trace -pprof=sync|net|syscall|sched FILE > out.pb.gz
            dotnet-pprof trace -chrome=OUT.json FILE      (Perfetto, chrome://tracing)
            dotnet-pprof trace -speedscope=OUT.json FILE

        Launch mode:
          dotnet-pprof collect trace -o trace.nettrace -- COMMAND [ARGS...] records from the runtime's first instruction
          until the command exits (or -d) and exits with the command's exit status.

        """;

    private static int Run(ParseResult r, TargetOptions target, Option<TimeSpan?> durationOption, Option<string?> outputOption, VerbContext context)
    {
        var err = context.Err;
        const string prefix = "dotnet-pprof collect: ";
        bool launch = context.Command.Length > 0;
        string? port = r.GetValue(target.DiagnosticPort);
        if (target.Count(r) + (launch ? 1 : 0) > 1)
        {
            err.WriteLine(prefix + "give one of -p, -n, --diagnostic-port or -- COMMAND");
            return 2;
        }
        bool connected = launch || port != null;
        TimeSpan? duration = r.GetValue(durationOption);
        if (!connected) duration ??= s_defaultDuration;
        int pid = connected ? 0 : target.Resolve(r);
        string time = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string path = r.GetValue(outputOption) ?? (pid > 0 ? $"trace-{pid}-{time}.nettrace" : $"trace-{time}.nettrace");
        if (path.Length == 0 || path == "-")
        {
            err.WriteLine(prefix + "-o needs a file name (a trace is not written to standard output)");
            return 2;
        }
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            err.WriteLine(prefix + $"cannot write {path}: " + (e is DirectoryNotFoundException ? "no such directory" : e.Message));
            return 1;
        }
        bool written = false;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = !stop.IsCancellationRequested;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        RuntimeConnection? connection = null;
        try
        {
            if (connected)
            {
                connection = launch ? Launch(context.Command) : RuntimeConnection.Listen(port!);
                if (!launch && Interactive) err.WriteLine($"waiting for a process started with DOTNET_DiagnosticPorts={connection.DiagnosticPort}");
                if (launch && Interactive) err.WriteLine($"dotnet-pprof collect: tracing {context.Command[0]} from its start (Ctrl+C stops early and keeps the trace)");
                RuntimeTraces.RecordAsync(connection, file, duration, stop.Token).GetAwaiter().GetResult();
            }
            else
            {
                using var progress = new ProgressLine(err, Interactive, $"tracing pid {pid}", duration, "Ctrl+C stops early and keeps the trace");
                RuntimeTraces.RecordAsync(pid, file, duration!.Value, stop.Token).GetAwaiter().GetResult();
            }
            file.Flush();
            written = file.Length > 0;
            if (!written)
            {
                err.WriteLine(prefix + "the runtime sent no trace: nothing was written");
                return 1;
            }
            err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dotnet-pprof collect: wrote trace to {path} ({file.Length / 1048576.0:0.0}MB); read it with dotnet-pprof trace {path}"));
            if (connection?.Command is not { } child) return 0;
            child.WaitForExit();
            return child.ExitCode;
        }
        catch (OperationCanceledException)
        {
            err.WriteLine(prefix + "stopped before the trace started: nothing was written");
            return 1;
        }
        catch (ProfilerException e)
        {
            err.WriteLine(prefix + e.Message + ": nothing was written");
            return 1;
        }
        catch (IOException e)
        {
            err.WriteLine(prefix + $"writing {path}: {e.Message}");
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            connection?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            file.Dispose();
            if (!written)
            {
                try
                {
                    File.Delete(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
    }

    private static RuntimeConnection Launch(string[] command)
    {
        var psi = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (string a in command.Skip(1)) psi.ArgumentList.Add(a);
        return RuntimeConnection.Launch(psi);
    }

    private static bool Interactive => !Console.IsErrorRedirected;
}
