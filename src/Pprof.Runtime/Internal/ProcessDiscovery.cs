using System.Diagnostics;
using Microsoft.Diagnostics.NETCore.Client;

namespace Pprof.Runtime.Internal;

/// <summary>Finds .NET processes (by their diagnostic sockets, <c>$TMPDIR/dotnet-diagnostic-PID-*-socket</c>) and
/// explains why one cannot be profiled.</summary>
internal static class ProcessDiscovery
{
    /// <summary>The directory where runtimes create their diagnostic sockets.</summary>
    public static string SocketDirectory
    {
        get
        {
            string? tmp = Environment.GetEnvironmentVariable("TMPDIR");
            return string.IsNullOrEmpty(tmp) ? Path.GetTempPath() : tmp;
        }
    }

    /// <summary>Process ids that have a diagnostic socket, ascending.</summary>
    public static List<int> ProcessIds()
    {
        var pids = new SortedSet<int>();
        try
        {
            foreach (var path in Directory.EnumerateFiles(SocketDirectory, "dotnet-diagnostic-*-socket"))
            {
                if (TryParsePid(Path.GetFileName(path), out int pid) && IsAlive(pid)) pids.Add(pid);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return pids.ToList();
    }

    internal static bool TryParsePid(string fileName, out int pid)
    {
        pid = 0;
        const string prefix = "dotnet-diagnostic-";
        if (!fileName.StartsWith(prefix, StringComparison.Ordinal)) return false;
        int dash = fileName.IndexOf('-', prefix.Length);
        return dash > prefix.Length && int.TryParse(fileName.AsSpan(prefix.Length, dash - prefix.Length), out pid);
    }

    public static bool HasSocket(int pid)
    {
        try
        {
            return Directory.EnumerateFiles(SocketDirectory, $"dotnet-diagnostic-{pid}-*-socket").Any();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") || ProcessExists(pid);

    private static bool ProcessExists(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Returns a client for <paramref name="pid"/>, or throws a <see cref="ProfilerException"/> with one clear line.</summary>
    public static DiagnosticsClient Connect(int pid)
    {
        if (pid == Environment.ProcessId && DiagnosticsDisabledHere())
            throw new ProfilerException("diagnostics are disabled in this process (DOTNET_EnableDiagnostics=0): runtime profiles need the diagnostic port; unset DOTNET_EnableDiagnostics or set it to 1");
        if (pid <= 0 || !IsAlive(pid)) throw new ProfilerException($"no process with pid {pid}");
        if (!HasSocket(pid)) throw Explain(pid, null);
        return new DiagnosticsClient(pid);
    }

    /// <summary>True when this process was started with diagnostics disabled.</summary>
    public static bool DiagnosticsDisabledHere()
    {
        foreach (var name in new[] { "DOTNET_EnableDiagnostics", "COMPlus_EnableDiagnostics" })
        {
            if (Environment.GetEnvironmentVariable(name) == "0") return true;
        }
        return false;
    }

    /// <summary>The one-line reason why <paramref name="pid"/> cannot be profiled.</summary>
    public static ProfilerException Explain(int pid, Exception? cause)
    {
        string message;
        if (pid == Environment.ProcessId && DiagnosticsDisabledHere())
            message = "diagnostics are disabled in this process (DOTNET_EnableDiagnostics=0)";
        else if (!IsAlive(pid))
            message = $"process {pid} has exited";
        else if (!HasSocket(pid))
            message = $"process {pid} ({ProcessName(pid)}) is not a .NET process, or it runs with DOTNET_EnableDiagnostics=0";
        else
            message = $"cannot start a profiling session in process {pid} ({ProcessName(pid)}): {cause?.Message ?? "the diagnostic port did not answer"}";
        return cause == null ? new ProfilerException(message) : new ProfilerException(message, cause);
    }

    /// <summary>The process's short name ("" when unknown).</summary>
    public static string ProcessName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>The process's command line ("" when unknown).</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
