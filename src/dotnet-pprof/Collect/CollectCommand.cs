using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Pprof.Profiles;
using Pprof.Runtime;

namespace Pprof.Cli.Collect;

/// <summary><c>dotnet-pprof collect KIND</c>: collects a runtime profile from a running .NET process (<c>-p</c>,
/// <c>-n</c>), from one that connects to a diagnostic port (<c>--diagnostic-port</c>), or from a command it starts
/// (<c>-- COMMAND</c>, launch mode: from the command's first instruction to its exit), and writes it as gzipped
/// profile.proto. Each kind is a subcommand with its own help.</summary>
internal static class CollectCommand
{
    private static readonly TimeSpan s_defaultDuration = TimeSpan.FromSeconds(30);

    public static Command Create(VerbContext context)
    {
        var collect = new Command("collect", "Collects a runtime profile from a .NET process (no change to the process needed) and writes it as a gzipped profile.proto that dotnet-pprof, go tool pprof, Pyroscope and speedscope read. Each KIND has its own help: dotnet-pprof collect KIND --help.");
        foreach (var kind in RuntimeProfiles.Kinds) collect.Add(CreateKind(kind, context));
        collect.Add(CollectTraceCommand.Create(context));
        return collect;
    }

    /// <summary>The help of a kind's subcommand after the options (what it collects, when, what Ctrl+C does, launch
    /// mode); null for other commands.</summary>
    public static string? Details(Command command) =>
        command.Name == "trace" && command.Parents.OfType<Command>().Any(p => p.Name == "collect") ? CollectTraceCommand.Help :
        command.Parents.OfType<Command>().Any(p => p.Name == "collect") && RuntimeProfiles.Kinds.FirstOrDefault(k => k.Name == command.Name) is { } kind
            ? Help(kind)
            : null;

    private static Command CreateKind(RuntimeProfileKind kind, VerbContext context)
    {
        var target = new TargetOptions(withPort: true);
        var duration = new Option<TimeSpan?>("--duration", "-d")
        {
            Description = kind.IsSnapshot
                ? "Launch mode and --diagnostic-port only (required there): how long the process runs before the snapshot. 30s, 1m, 500ms or hh:mm:ss."
                : "How long to collect: 30s, 1m30s, 500ms or hh:mm:ss. Default 30s; in launch mode until the command exits. Ctrl+C stops early and keeps the profile.",
            HelpName = "duration",
            CustomParser = r => CollectCommands.ParseDurationOption(r, "duration", "examples: 30s, 1m, 500ms, 00:00:30"),
        };
        var output = new Option<string?>("--output", "-o")
        {
            Description = $"Where to write (default {kind.Name}-PID-TIME.pb.gz; - for standard output). Checked before collecting.",
            HelpName = "file",
        };
        var command = new Command(kind.Name, kind.Description);
        target.AddTo(command);
        command.Add(duration);
        command.Add(output);
        Option<int?>? rate = null;
        if (kind.Name == "cpu")
        {
            rate = new Option<int?>("--rate")
            {
                Description = "Samples per second of each thread's CPU time (Go's runtime.SetCPUProfileRate): 1 to 1000, default 100.",
                HelpName = "hz",
            };
            rate.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int?>() is int hz && (hz < 1 || hz > 1000)) r.AddError($"--rate {hz}: give 1 to 1000 samples per second");
            });
            command.Add(rate);
        }
        command.SetAction(r =>
        {
            if (rate != null && r.GetValue(rate) is int hz) Profiler.SetCpuProfileRate(hz);
            return Run(r, kind, target, duration, output, context);
        });
        return command;
    }

    private static string Help(RuntimeProfileKind kind)
    {
        string when = kind.IsSnapshot
            ? "A snapshot: with -p or -n it is taken at once, and Ctrl+C stops it (nothing is written). In launch mode (-- COMMAND) and with --diagnostic-port, the process runs for -d and the snapshot is taken then (if the process has exited by then, nothing is written); Ctrl+C before then takes it at once, and a second Ctrl+C ends dotnet-pprof without writing."
            : "Collected for -d (default 30s). In launch mode (-- COMMAND) and with --diagnostic-port, from the runtime's first instruction until the process exits (or -d). Ctrl+C stops early and writes what was collected.";
        return $"""
            What it collects:
              {kind.Description}.

            When:
              {when}

            Launch mode:
              dotnet-pprof collect {kind.Name} -o {kind.Name}.pb.gz -- COMMAND [ARGS...] starts COMMAND with this terminal's standard input and output, profiles its first .NET runtime (the command itself, or the first .NET process a script starts) and exits with the command's exit status. Processes that runtime starts in turn (for example the test host of 'dotnet test') run normally and are not profiled.

            """;
    }

    private static int Run(ParseResult r, RuntimeProfileKind kind, TargetOptions target, Option<TimeSpan?> durationOption, Option<string?> outputOption, VerbContext context)
    {
        var err = context.Err;
        string prefix = "dotnet-pprof collect: ";
        bool launch = context.Command.Length > 0;
        string? port = r.GetValue(target.DiagnosticPort);
        if (target.Count(r) + (launch ? 1 : 0) > 1)
        {
            err.WriteLine(prefix + "give one of -p, -n, --diagnostic-port or -- COMMAND");
            return 2;
        }
        bool connected = launch || port != null;
        TimeSpan? duration = r.GetValue(durationOption);
        if (kind.IsSnapshot && connected && duration == null)
        {
            err.WriteLine(prefix + $"a {kind.Name} profile is a snapshot: give -d, how long the process runs before it is taken");
            return 2;
        }
        if (!connected) duration ??= s_defaultDuration;
        int pid = connected ? 0 : target.Resolve(r);
        string time = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string path = r.GetValue(outputOption) ?? (pid > 0 ? $"{kind.Name}-{pid}-{time}.pb.gz" : $"{kind.Name}-{time}.pb.gz");
        if (path.Length == 0)
        {
            err.WriteLine(prefix + "-o needs a file name");
            return 2;
        }
        OutputFile file;
        try
        {
            file = OutputFile.Open(path);
        }
        catch (IOException e)
        {
            err.WriteLine(prefix + e.Message);
            return 1;
        }
        using (file)
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken))
        {
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                // The first Ctrl+C stops the collection; a second one ends dotnet-pprof at once.
                e.Cancel = !stop.IsCancellationRequested;
                stop.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                return connected
                    ? RunConnected(kind, launch ? Launch(context.Command) : RuntimeConnection.Listen(port!), launch, duration, file, context, stop.Token)
                    : Write(kind, () => Collect(kind, pid, duration!.Value, context, stop.Token), file, context);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        }
    }

    private static RuntimeConnection Launch(string[] command)
    {
        var psi = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (string a in command.Skip(1)) psi.ArgumentList.Add(a);
        return RuntimeConnection.Launch(psi);
    }

    private static Profile Collect(RuntimeProfileKind kind, int pid, TimeSpan duration, VerbContext context, CancellationToken ct)
    {
        string what = kind.IsSnapshot ? $"taking a {kind.Name} snapshot of pid {pid}" : $"collecting {kind.Name} from pid {pid}";
        using var progress = new ProgressLine(context.Err, Interactive, what, kind.IsSnapshot ? null : duration, StopHint(kind));
        // A retention snapshot reports its phases (objects received, then the analysis), which can take minutes on a big heap.
        if (kind.Name == "retention") return Pprof.Runtime.Heap.HeapProfiler.Collect(pid, null, progress, ct);
        return RuntimeProfiles.CollectAsync(pid, kind.Name, duration, progress, ct).GetAwaiter().GetResult();
    }

    /// <summary>Launch mode and --diagnostic-port: waits for the runtime, collects, writes; in launch mode then waits
    /// for the command and returns its exit status (1 when it succeeded but no profile was written).</summary>
    private static int RunConnected(RuntimeProfileKind kind, RuntimeConnection connection, bool launch, TimeSpan? duration, OutputFile file, VerbContext context, CancellationToken ct)
    {
        try
        {
            if (!launch && Interactive) context.Err.WriteLine($"waiting for a process started with DOTNET_DiagnosticPorts={connection.DiagnosticPort}");
            int rc = Write(kind, () =>
            {
                // In launch mode the command shares the terminal: one line at the start rather than a line redrawn under its output.
                if (launch && Interactive) context.Err.WriteLine($"dotnet-pprof collect: profiling {kind.Name} of {context.Command[0]} from its start ({StopHint(kind, connected: true)})");
                using var progress = launch ? null : new ProgressLine(context.Err, Interactive, $"collecting {kind.Name} through {connection.DiagnosticPort}", duration, StopHint(kind, connected: true));
                return RuntimeProfiles.CollectAsync(connection, kind.Name, duration, progress, ct).GetAwaiter().GetResult();
            }, file, context);
            if (connection.Command is not { } child) return rc;
            if (!child.HasExited && Interactive) context.Err.WriteLine($"dotnet-pprof collect: waiting for {context.Command[0]} (pid {child.Id}) to exit");
            child.WaitForExit();
            return child.ExitCode != 0 ? child.ExitCode : rc;
        }
        finally
        {
            connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Collects through <paramref name="collect"/> and writes the profile; 0 when written, 1 when not (one
    /// line says why).</summary>
    private static int Write(RuntimeProfileKind kind, Func<Profile> collect, OutputFile file, VerbContext context)
    {
        var err = context.Err;
        Profile profile;
        try
        {
            profile = collect();
        }
        catch (OperationCanceledException)
        {
            err.WriteLine($"dotnet-pprof collect: stopped before the {kind.Name} profile was complete: nothing was written");
            return 1;
        }
        catch (ProfilerException e)
        {
            err.WriteLine($"dotnet-pprof collect: {e.Message}" + (e.Message.Contains("nothing", StringComparison.Ordinal) ? "" : ": nothing was written"));
            return 1;
        }
        // Problems (lost events, a partial profile, a forced stop) go to stderr too; descriptive comments do not.
        foreach (var c in profile.Comments.Skip(1).Where(c => !c.StartsWith("cpu time:", StringComparison.Ordinal) && !c.StartsWith("cpu mode:", StringComparison.Ordinal))) err.WriteLine("dotnet-pprof collect: " + c);
        try
        {
            file.Write(profile);
        }
        catch (IOException e)
        {
            err.WriteLine($"dotnet-pprof collect: writing {file.Path}: {e.Message}");
            return 1;
        }
        err.WriteLine($"dotnet-pprof collect: wrote {kind.Name} profile to {file.Path}: {Summary(profile)}");
        return 0;
    }

    /// <summary>What the profile holds, in the terms of its sample types: the total of each (the last is what
    /// <c>Total samples</c> of a report shows by default), the number of distinct stacks and the time covered.</summary>
    internal static string Summary(Profile profile)
    {
        var inv = CultureInfo.InvariantCulture;
        var totals = new long[profile.SampleTypes.Count];
        foreach (var s in profile.Samples)
        {
            for (int i = 0; i < totals.Length && i < s.Values.Length; i++) totals[i] += s.Values[i];
        }
        var parts = profile.SampleTypes.Select((t, i) => t.Unit switch
        {
            "nanoseconds" => string.Create(inv, $"{t.Type} {totals[i] / 1e9:0.00}s"),
            "bytes" => string.Create(inv, $"{t.Type} {totals[i] / 1048576.0:0.0}MB"),
            _ => string.Create(inv, $"{t.Type} {totals[i]}"),
        });
        string span = profile.DurationNanos > 0 ? string.Create(inv, $" over {profile.DurationNanos / 1e9:0.0}s") : "";
        return string.Create(inv, $"{string.Join(", ", parts)} in {profile.Samples.Count} distinct stacks{span}");
    }

    private static string StopHint(RuntimeProfileKind kind, bool connected = false) =>
        !kind.IsSnapshot ? "Ctrl+C stops early and keeps the profile"
        : connected ? "Ctrl+C takes the snapshot now, a second Ctrl+C ends without one"
        : "Ctrl+C stops; nothing is written";

    /// <summary>Whether progress is drawn: stderr is a terminal.</summary>
    private static bool Interactive => !Console.IsErrorRedirected;
}
