using System.Globalization;

namespace Pprof.Runtime.MemStats;

/// <summary>Reads a process's memory from /proc (RSS, VIRT, SHR, command line) and its memory cgroup (v2
/// <c>memory.max</c>/<c>memory.current</c>, or v1 <c>memory.limit_in_bytes</c>/<c>memory.usage_in_bytes</c>).</summary>
internal static class ProcMemory
{
    public static void Fill(MemStats m, int pid, string procRoot = "/proc", string cgroupRoot = "/sys/fs/cgroup")
    {
        string status = ReadOrEmpty($"{procRoot}/{pid}/status");
        m.Rss = KiB(status, "VmRSS:");
        m.Virt = KiB(status, "VmSize:");
        long? file = KiB(status, "RssFile:"), shmem = KiB(status, "RssShmem:");
        if (file != null || shmem != null) m.Shr = (file ?? 0) + (shmem ?? 0);
        string cmdline = ReadOrEmpty($"{procRoot}/{pid}/cmdline");
        m.CommandLine = cmdline.Split('\0', StringSplitOptions.RemoveEmptyEntries).ToList();
        ReadCgroup(m, ReadOrEmpty($"{procRoot}/{pid}/cgroup"), cgroupRoot);
    }

    /// <summary>Resident set size (bytes) and thread count from /proc/PID/status, and the cgroup memory limit (bytes,
    /// null when none); each null when it cannot be read.</summary>
    public static (long? Rss, int? Threads, long? Limit) ReadStatus(int pid, string procRoot = "/proc", string cgroupRoot = "/sys/fs/cgroup")
    {
        string status = ReadOrEmpty($"{procRoot}/{pid}/status");
        long? threads = Count(status, "Threads:");
        var m = new MemStats();
        ReadCgroup(m, ReadOrEmpty($"{procRoot}/{pid}/cgroup"), cgroupRoot);
        return (KiB(status, "VmRSS:"), threads is long t ? (int)t : null, m.CgroupLimit);
    }

    private static long? Count(string status, string key)
    {
        int i = status.IndexOf(key, StringComparison.Ordinal);
        if (i < 0) return null;
        int end = status.IndexOf('\n', i);
        return Number(status[(i + key.Length)..(end < 0 ? status.Length : end)]);
    }

    internal static void ReadCgroup(MemStats m, string cgroupFile, string cgroupRoot)
    {
        foreach (string line in cgroupFile.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // hierarchy-ID:controller-list:path
            var parts = line.Split(':', 3);
            if (parts.Length != 3) continue;
            string path = parts[2].Trim();
            if (parts[0] == "0" && parts[1].Length == 0)
            {
                // v2: look in the process's own group, then walk up (a limit may be set on an ancestor).
                for (string dir = path; ; dir = ParentOf(dir))
                {
                    string d = Path.Join(cgroupRoot, dir);
                    long? usage = Number(ReadOrEmpty(Path.Join(d, "memory.current")));
                    string max = ReadOrEmpty(Path.Join(d, "memory.max")).Trim();
                    if (usage != null && m.CgroupUsage == null) m.CgroupUsage = usage;
                    if (max.Length > 0 && max != "max" && m.CgroupLimit == null) m.CgroupLimit = Number(max);
                    if (usage != null || max.Length > 0) m.CgroupVersion = "v2";
                    if (dir == "/" || dir.Length == 0) break;
                }
                if (m.CgroupVersion != null) return;
            }
            else if (parts[1].Split(',').Contains("memory"))
            {
                foreach (string d in new[] { Path.Join(cgroupRoot, "memory", path), Path.Join(cgroupRoot, "memory") })
                {
                    long? usage = Number(ReadOrEmpty(Path.Join(d, "memory.usage_in_bytes")));
                    long? limit = Number(ReadOrEmpty(Path.Join(d, "memory.limit_in_bytes")));
                    if (usage == null && limit == null) continue;
                    m.CgroupVersion = "v1";
                    m.CgroupUsage = usage;
                    // v1 reports "no limit" as a huge page-rounded number.
                    m.CgroupLimit = limit is > 0 and < long.MaxValue / 2 ? limit : null;
                    return;
                }
            }
        }
    }

    private static string ParentOf(string dir)
    {
        int slash = dir.TrimEnd('/').LastIndexOf('/');
        return slash <= 0 ? "/" : dir[..slash];
    }

    private static long? KiB(string status, string key)
    {
        int i = status.IndexOf(key, StringComparison.Ordinal);
        if (i < 0) return null;
        int end = status.IndexOf('\n', i);
        string v = status[(i + key.Length)..(end < 0 ? status.Length : end)].Trim();
        if (v.EndsWith("kB", StringComparison.Ordinal)) v = v[..^2].Trim();
        return long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out long kb) ? kb * 1024 : null;
    }

    private static long? Number(string s) =>
        long.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : null;

    private static string ReadOrEmpty(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path) : ""; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }
}
