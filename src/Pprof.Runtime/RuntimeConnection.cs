using System.Diagnostics;
using Microsoft.Diagnostics.NETCore.Client;

namespace Pprof.Runtime;

/// <summary>A .NET runtime that connects to us through a diagnostic port we listen on, rather than one we attach to by
/// process id. <see cref="Launch"/> starts a command whose runtime waits at its first instruction until profiling has
/// started (the .NET counterpart of <c>go test -cpuprofile</c>); <see cref="Listen"/> waits for a process the user
/// starts with <c>DOTNET_DiagnosticPorts=PATH</c>. Collect from it with
/// <see cref="RuntimeProfiles.CollectAsync(RuntimeConnection, string, TimeSpan?, IProgress{CollectionProgress}?, CancellationToken)"/>.
/// Disposing never leaves the runtime suspended.</summary>
public sealed class RuntimeConnection : IAsyncDisposable
{
    private const string PortsVariable = "DOTNET_DiagnosticPorts";

    private readonly Task<DiagnosticsClientConnector> _connecting;
    private readonly string _portPath;
    private readonly string? _tempDirectory;
    private DiagnosticsClientConnector? _connector;
    private int _resumed;

    private RuntimeConnection(string portPath, string? tempDirectory, Process? command, CancellationTokenSource stop)
    {
        _portPath = portPath;
        _tempDirectory = tempDirectory;
        Command = command;
        Stop = stop;
        // The listening socket exists once FromDiagnosticPort has returned its task: the command may start after it.
        _connecting = DiagnosticsClientConnector.FromDiagnosticPort(portPath + ",listen", stop.Token);
    }

    /// <summary>The socket path the runtime connects to.</summary>
    public string DiagnosticPort => _portPath;

    /// <summary>The command started by <see cref="Launch"/>; null for <see cref="Listen"/>.</summary>
    public Process? Command { get; }

    /// <summary>The id of the process whose runtime connected; 0 until it has connected (or when it cannot be told).</summary>
    public int ProcessId { get; private set; }

    private CancellationTokenSource Stop { get; }

    internal DiagnosticsClient Client => _connector?.Instance ?? throw new InvalidOperationException("the runtime has not connected yet");

    /// <summary>Starts <paramref name="command"/> with its .NET runtime set to connect to a private diagnostic port and
    /// to wait, before running any code, until profiling has started. The first .NET runtime the command starts (the
    /// command itself, or the first .NET descendant of a script) is the one profiled; before it runs, its
    /// <c>DOTNET_DiagnosticPorts</c> is cleared so that the processes it starts in turn run normally (unprofiled)
    /// instead of waiting for a port nobody serves. Standard input, output and error are the caller's unless
    /// <paramref name="command"/> redirects them.</summary>
    public static RuntimeConnection Launch(ProcessStartInfo command)
    {
        ArgumentNullException.ThrowIfNull(command);
        string dir = Path.Combine(Path.GetTempPath(), "dotnet-pprof-" + Path.GetRandomFileName());
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
        else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string port = Path.Combine(dir, "port.sock");
        RuntimeConnection? connection = null;
        try
        {
            connection = new RuntimeConnection(port, dir, new Process { StartInfo = command }, new CancellationTokenSource());
            command.Environment[PortsVariable] = port + ",connect,suspend";
            connection.Command!.Start();
            return connection;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            connection?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            TryDelete(dir);
            throw new ProfilerException($"cannot start {command.FileName}: {e.Message}", e);
        }
    }

    /// <summary>Listens on <paramref name="diagnosticPort"/> (a socket path, as dotnet-trace's <c>--diagnostic-port</c>)
    /// for a runtime started with <c>DOTNET_DiagnosticPorts=PATH</c> (by default it waits at its first instruction
    /// until profiling has started).</summary>
    public static RuntimeConnection Listen(string diagnosticPort)
    {
        ArgumentException.ThrowIfNullOrEmpty(diagnosticPort);
        string path = Path.GetFullPath(diagnosticPort.Split(',')[0]);
        if (File.Exists(path)) throw new ProfilerException($"diagnostic port {path} already exists: remove it or choose another path");
        if (Path.GetDirectoryName(path) is { } dir && !Directory.Exists(dir)) throw new ProfilerException($"diagnostic port {path}: no such directory");
        return new RuntimeConnection(path, null, null, new CancellationTokenSource());
    }

    /// <summary>Waits until the runtime has connected. Throws <see cref="ProfilerException"/> when the launched command
    /// exits first (it started no .NET runtime).</summary>
    internal async Task WaitForRuntimeAsync(CancellationToken cancellationToken)
    {
        if (_connector != null) return;
        var exited = Command != null ? Command.WaitForExitAsync(cancellationToken) : Task.Delay(Timeout.Infinite, cancellationToken);
        var done = await Task.WhenAny(_connecting, exited).ConfigureAwait(false);
        if (done != _connecting)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new ProfilerException($"{Path.GetFileName(Command!.StartInfo.FileName)} exited (status {Command.ExitCode}) before a .NET runtime started: nothing to profile");
        }
        try
        {
            _connector = await _connecting.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or TimeoutException or ServerNotAvailableException)
        {
            throw new ProfilerException($"diagnostic port {_portPath}: {e.Message}", e);
        }
        ProcessId = FindConnectedProcess();
        try
        {
            // The runtime's descendants inherit its environment: without this they would wait for the same port.
            Client.SetEnvironmentVariable(PortsVariable, "");
        }
        catch (Exception e) when (e is ServerErrorException or UnsupportedCommandException or ServerNotAvailableException or IOException)
        {
            // Older runtimes (before .NET 6): descendants connect to a port nobody serves and wait.
        }
    }

    /// <summary>Lets the runtime run (once; a runtime that was not suspended ignores it).</summary>
    internal void Resume()
    {
        if (_connector == null || Interlocked.Exchange(ref _resumed, 1) == 1) return;
        try
        {
            Client.ResumeRuntime();
        }
        catch (Exception e) when (e is ServerErrorException or UnsupportedCommandException or ServerNotAvailableException or IOException)
        {
            // Not suspended, or already gone.
        }
    }

    /// <summary>Whether the connected process has exited.</summary>
    internal bool HasExited => Command != null && (ProcessId == Command.Id || ProcessId == 0) ? Command.HasExited : !ProcessDiscovery.IsAlive(ProcessId);

    /// <summary>The process whose environment names our port: the command itself or, for a script, the .NET
    /// descendant that connected (the newest one when several did).</summary>
    private int FindConnectedProcess()
    {
        string needle = PortsVariable + "=" + _portPath;
        if (Command != null && EnvironmentContains(Command.Id, needle)) return Command.Id;
        int found = 0;
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), out int pid) && pid > found && ProcessDiscovery.HasSocket(pid) && EnvironmentContains(pid, needle)) found = pid;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return found;
    }

    private static bool EnvironmentContains(int pid, string needle)
    {
        try
        {
            // Entries are NUL-separated; the path may be followed by options (",connect,suspend") or end the entry.
            string environ = File.ReadAllText($"/proc/{pid}/environ");
            return environ.Contains(needle + ",", StringComparison.Ordinal) || environ.Contains(needle + "\0", StringComparison.Ordinal) || environ.EndsWith(needle, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Resumes the runtime if it still waits, stops listening and removes the port.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_connector == null && _connecting.IsCompletedSuccessfully) _connector = _connecting.Result;
        Resume();
        Stop.Cancel();
        try
        {
            var connector = await _connecting.ConfigureAwait(false);
            if (connector != null) await connector.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ServerNotAvailableException)
        {
        }
        Stop.Dispose();
        if (_tempDirectory != null) TryDelete(_tempDirectory);
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
