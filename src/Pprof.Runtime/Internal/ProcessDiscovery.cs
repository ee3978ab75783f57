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
                string name = Path.GetFileName(path);
                if (TryParsePid(name, out int pid) && IsAlive(pid) && IsCurrentSocket(name, pid)) pids.Add(pid);
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

    /// <summary>Whether <paramref name="pid"/> has a diagnostic socket of its own (not one left behind by an earlier
    /// process that had the same pid).</summary>
    public static bool HasSocket(int pid)
    {
        try
        {
            return Directory.EnumerateFiles(SocketDirectory, $"dotnet-diagnostic-{pid}-*-socket")
                .Any(path => IsCurrentSocket(Path.GetFileName(path), pid));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The runtime names its socket <c>dotnet-diagnostic-PID-KEY-socket</c>, KEY being the process's start time
    /// in clock ticks since boot (field 22 of <c>/proc/PID/stat</c>). A socket whose key differs was left by a process
    /// that died without removing it and whose pid was reused. True when the key matches, or when it cannot be checked
    /// (no /proc, another naming).</summary>
    internal static bool IsCurrentSocket(string fileName, int pid)
    {
        string prefix = $"dotnet-diagnostic-{pid}-";
        const string suffix = "-socket";
        if (!fileName.StartsWith(prefix, StringComparison.Ordinal) || !fileName.EndsWith(suffix, StringComparison.Ordinal)) return true;
        var key = fileName.AsSpan(prefix.Length, Math.Max(0, fileName.Length - prefix.Length - suffix.Length));
        if (!ulong.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong socketStart)) return true;
        ulong? start = StartTime(pid);
        return start == null || start == socketStart;
    }

    /// <summary>The process's start time in clock ticks since boot, from /proc (null when unavailable).</summary>
    internal static ulong? StartTime(int pid)
        => ProcStat.Fields($"/proc/{pid}/stat") is { Length: > 19 } fields
           && ulong.TryParse(fields[19], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong t)
            ? t
            : null;

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
