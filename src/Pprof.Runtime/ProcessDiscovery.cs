using System.Diagnostics;
using Microsoft.Diagnostics.NETCore.Client;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime;

/// <summary>Finds the .NET processes of this machine that can be profiled (by their diagnostic sockets,
/// <c>$TMPDIR/dotnet-diagnostic-PID-*-socket</c>), by id or by name, and explains why one cannot be profiled.</summary>
public static class ProcessDiscovery
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

    /// <summary>Ids of the processes that have a diagnostic socket of their own, ascending (this process included).</summary>
    public static IReadOnlyList<int> ProcessIds()
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

    /// <summary>Whether a process with id <paramref name="pid"/> exists.</summary>
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
    internal static DiagnosticsClient Connect(int pid)
    {
        if (pid == Environment.ProcessId && DiagnosticsDisabledHere())
            throw new ProfilerException("diagnostics are disabled in this process (DOTNET_EnableDiagnostics=0): runtime profiles need the diagnostic port; unset DOTNET_EnableDiagnostics or set it to 1");
        if (pid <= 0 || !IsAlive(pid)) throw new ProfilerException($"no process with pid {pid}");
        if (!HasSocket(pid)) throw Explain(pid, null);
        return new DiagnosticsClient(pid);
    }

    /// <summary>True when this process was started with diagnostics disabled.</summary>
    internal static bool DiagnosticsDisabledHere()
    {
        foreach (var name in new[] { "DOTNET_EnableDiagnostics", "COMPlus_EnableDiagnostics" })
        {
            if (Environment.GetEnvironmentVariable(name) == "0") return true;
        }
        return false;
    }

    /// <summary>Throws a <see cref="ProfilerException"/> with one line for the user when <paramref name="pid"/> cannot be
    /// profiled: "no process with pid N", "process N (name) is not a .NET process, ...".</summary>
    public static void EnsureProfilable(int pid)
    {
        if (pid <= 0 || !IsAlive(pid)) throw new ProfilerException($"no process with pid {pid}");
        if (pid == Environment.ProcessId && DiagnosticsDisabledHere()) throw Explain(pid, null);
        if (!HasSocket(pid)) throw Explain(pid, null);
    }

    /// <summary>The .NET processes (see <see cref="ProcessIds"/>) whose name is <paramref name="name"/>: the short name
    /// (<c>/proc/PID/comm</c>), the executable's file name without extension, or, for <c>dotnet app.dll</c>, the
    /// application's name (<c>app</c>). Compared ordinally, case-sensitively as Linux names are. This process is left out.</summary>
    public static IReadOnlyList<int> FindByName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var found = new List<int>();
        foreach (int pid in ProcessIds())
        {
            if (pid != Environment.ProcessId && Names(pid).Contains(name, StringComparer.Ordinal)) found.Add(pid);
        }
        return found;
    }

    /// <summary>The names a process answers to (see <see cref="FindByName"/>).</summary>
    internal static IEnumerable<string> Names(int pid)
    {
        string comm = ProcessName(pid);
        if (comm.Length > 0) yield return comm;
        string[] argv = Arguments(pid);
        if (argv.Length == 0) yield break;
        string exe = Path.GetFileNameWithoutExtension(argv[0]);
        if (exe.Length > 0) yield return exe;
        if (exe != "dotnet") yield break;
        // dotnet [exec] [host options] app.dll: the first argument naming a .dll is the application.
        foreach (string a in argv.Skip(1))
        {
            if (a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                yield return Path.GetFileNameWithoutExtension(a);
                yield break;
            }
        }
    }

    /// <summary>The one-line reason why <paramref name="pid"/> cannot be profiled.</summary>
    internal static ProfilerException Explain(int pid, Exception? cause)
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

    /// <summary>The .NET runtime version of <paramref name="pid"/> (for example <c>10.0.12</c>), asked through its
    /// diagnostic port; null when it does not answer within <paramref name="timeout"/> (default 3 s).</summary>
    public static string? RuntimeVersion(int pid, TimeSpan? timeout = null)
    {
        try
        {
            // GetProcessInfo is not public in every version of the client: reach it by name.
            var method = typeof(DiagnosticsClient).GetMethod("GetProcessInfo", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic, Type.EmptyTypes);
            if (method == null) return null;
            var task = Task.Run(() => method.Invoke(new DiagnosticsClient(pid), null));
            if (!task.Wait(timeout ?? TimeSpan.FromSeconds(3))) return null;
            var info = task.Result;
            string? v = info?.GetType().GetProperty("ClrProductVersionString")?.GetValue(info) as string;
            if (string.IsNullOrEmpty(v)) return null;
            int plus = v.IndexOf('+');
            return plus > 0 ? v[..plus] : v;
        }
        catch (AggregateException)
        {
            return null;
        }
    }

    /// <summary>The process's command line, arguments joined by spaces ("" when unknown).</summary>
    public static string CommandLine(int pid) => string.Join(' ', Arguments(pid));

    /// <summary>The process's arguments (empty when unknown).</summary>
    private static string[] Arguments(int pid)
    {
        try
        {
            string raw = File.ReadAllText($"/proc/{pid}/cmdline");
            return raw.Length == 0 ? Array.Empty<string>() : raw.TrimEnd('\0').Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }
}
