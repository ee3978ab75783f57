namespace Pprof.Runtime.Internal;

/// <summary>Reads Linux <c>/proc/PID/stat</c> and <c>/proc/PID/task/TID/stat</c>.</summary>
internal static class ProcStat
{
    /// <summary>The fields after "pid (comm) " (the command name may hold spaces and parentheses): index 0 is the state
    /// (field 3 of proc(5)), index 11 utime, 12 stime, 19 starttime. Null when the file cannot be read or parsed.</summary>
    public static string[]? Fields(string path)
    {
        try
        {
            string stat = File.ReadAllText(path);
            int close = stat.LastIndexOf(')');
            return close < 0 || close + 2 >= stat.Length ? null : stat[(close + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
