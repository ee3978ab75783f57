using System.Globalization;

namespace Pprof.Runtime.OnCpu;

/// <summary>The executable mappings of a process, from <c>/proc/PID/maps</c>: address range, file offset and path
/// (or a pseudo name such as <c>[vdso]</c>, <c>/memfd:doublemapper (deleted)</c> or "" for anonymous memory).</summary>
internal sealed class ProcMaps
{
    /// <summary>Most mappings read (a process has a few thousand at most).</summary>
    public const int MaxMappings = 1 << 16;

    private readonly List<Region> _regions = new();
    private readonly HashSet<Region> _known = new();
    private Region[] _sorted = Array.Empty<Region>();

    /// <summary>Adds the executable mappings <paramref name="pid"/> has now (kept when a later reading no longer has
    /// them: a library unloaded during the window still names its samples). False when the file cannot be read. Not
    /// thread-safe: one thread reads, <see cref="Find"/> is called once reading is over.</summary>
    public bool Read(int pid)
    {
        try
        {
            int n = 0;
            foreach (string line in File.ReadLines($"/proc/{pid}/maps"))
            {
                if (++n > MaxMappings) break;
                if (Parse(line) is { } r && _known.Add(r)) _regions.Add(r);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        if (_sorted.Length != _regions.Count) _sorted = _regions.OrderBy(r => r.Start).ToArray();
        return true;
    }

    /// <summary>The mapping holding <paramref name="address"/> or null.</summary>
    public Region? Find(ulong address)
    {
        int lo = 0, hi = _sorted.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_sorted[mid].Start <= address)
            {
                found = mid;
                lo = mid + 1;
            }
            else hi = mid - 1;
        }
        for (int k = found; k >= 0 && k > found - 4; k--)
        {
            if (_sorted[k].Contains(address)) return _sorted[k];
        }
        return null;
    }

    private static Region? Parse(string line)
    {
        // start-end perms offset dev inode [path]
        var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 5 || parts[1].Length < 3 || parts[1][2] != 'x') return null;
        int dash = parts[0].IndexOf('-');
        if (dash <= 0
            || !ulong.TryParse(parts[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong start)
            || !ulong.TryParse(parts[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong end)
            || !ulong.TryParse(parts[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong offset)) return null;
        string path = parts.Length > 5 ? parts[5].Trim() : "";
        return end > start ? new Region(start, end, offset, path) : null;
    }

    /// <summary>One executable mapping.</summary>
    public sealed record Region(ulong Start, ulong End, ulong Offset, string Path)
    {
        public bool Contains(ulong address) => address >= Start && address < End;

        /// <summary>True for a file on disk (not anonymous memory, a memfd or a kernel pseudo mapping).</summary>
        public bool IsFile => Path.StartsWith('/') && !Path.StartsWith("/memfd:", StringComparison.Ordinal) && !Path.EndsWith(" (deleted)", StringComparison.Ordinal);
    }
}
