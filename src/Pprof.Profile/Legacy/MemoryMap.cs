using Pprof.Profiles.Go;

namespace Pprof.Profiles.Legacy;

/// <summary>The memory-map section of legacy profiles (<c>/proc/self/maps</c> and briefer forms) and pprof's fix-ups
/// after reading it: merging split mappings, moving the main binary first, renumbering locations, functions and
/// mappings, and attaching each location to the mapping that contains its address.</summary>
internal static class MemoryMap
{
    /// <summary>Skips to the memory-map sentinel line, then reads the memory map.</summary>
    public static void ParseAdditionalSections(LineScanner s, Profile p)
    {
        while (!LegacyParser.IsMemoryMapSentinel(s.Text) && s.Scan())
        {
        }
        s.ThrowIfError();
        ParseMemoryMap(s, p);
    }

    /// <summary>Reads mappings from the rest of the scanner, adds them to the profile and renumbers everything.</summary>
    public static void ParseMemoryMap(LineScanner s, Profile p)
    {
        p.Mappings.AddRange(ParseProcMaps(s));
        MassageMappings(p);
        RemapLocationIds(p);
        RemapFunctionIds(p);
        RemapMappingIds(p);
    }

    public static List<Mapping> ParseProcMaps(LineScanner s)
    {
        var mappings = new List<Mapping>();
        List<(string Old, string New)>? attrs = null;
        while (s.Scan())
        {
            string line = Replace(RemoveLoggingInfo(s.Text), attrs);
            var m = ParseMappingEntry(line, out bool recognized);
            if (!recognized)
            {
                // "name = value" defines $name for later lines.
                int eq = line.IndexOf('=');
                if (eq >= 0)
                {
                    attrs ??= new List<(string, string)>();
                    attrs.Add(("$" + TextFormat.TrimSpace(line.Substring(0, eq)), TextFormat.TrimSpace(line.Substring(eq + 1))));
                }
                continue;
            }
            if (m != null) mappings.Add(m);
        }
        s.ThrowIfError();
        return mappings;
    }

    /// <summary>Go's <c>strings.Replacer</c>: at each position the first pair (in order) whose old string matches wins.</summary>
    private static string Replace(string line, List<(string Old, string New)>? attrs)
    {
        if (attrs == null || line.IndexOf('$') < 0) return line;
        var sb = new System.Text.StringBuilder(line.Length);
        int i = 0;
        while (i < line.Length)
        {
            bool replaced = false;
            if (line[i] == '$')
            {
                foreach (var (o, n) in attrs)
                {
                    if (i + o.Length <= line.Length && string.CompareOrdinal(line, i, o, 0, o.Length) == 0)
                    {
                        sb.Append(n);
                        i += o.Length;
                        replaced = true;
                        break;
                    }
                }
            }
            if (!replaced) sb.Append(line[i++]);
        }
        return sb.ToString();
    }

    private static string RemoveLoggingInfo(string line)
    {
        var m = LegacyRegex.LogInfo.Match(line);
        return m.Success ? line.Substring(m.Index + m.Length) : line;
    }

    /// <summary>Parses one memory-map line. <paramref name="recognized"/> is false when the line is not a mapping;
    /// the result is null for recognised but non-executable mappings.</summary>
    private static Mapping? ParseMappingEntry(string l, out bool recognized)
    {
        string start, end, perm, file, offset, buildId = "";
        var me = LegacyRegex.Submatch(LegacyRegex.ProcMaps, l);
        if (me != null)
        {
            (start, end, perm, offset, file) = (me[1], me[2], me[3], me[4], me[5]);
        }
        else if ((me = LegacyRegex.Submatch(LegacyRegex.BriefMaps, l)) != null)
        {
            (start, end, perm, file, offset, buildId) = (me[1], me[2], me[3], me[4], me[5], me[6]);
        }
        else
        {
            recognized = false;
            return null;
        }
        recognized = true;
        if (perm.Length != 0 && perm.IndexOf('x') < 0) return null;
        var m = new Mapping { File = LegacyParser.Utf8(file), BuildId = LegacyParser.Utf8(buildId) };
        if (!GoStrconv.TryParseUint(start, 16, out ulong st, out _) || !GoStrconv.TryParseUint(end, 16, out ulong lim, out _))
        {
            recognized = false;
            return null;
        }
        m.Start = st;
        m.Limit = lim;
        if (offset.Length != 0)
        {
            if (!GoStrconv.TryParseUint(offset, 16, out ulong off, out _))
            {
                recognized = false;
                return null;
            }
            m.Offset = off;
        }
        return m;
    }

    /// <summary>pprof's massageMappings: merges adjacent pieces of one mapping, moves the main binary first, renumbers.</summary>
    public static void MassageMappings(Profile p)
    {
        if (p.Mappings.Count > 1)
        {
            var merged = new List<Mapping> { p.Mappings[0] };
            for (int i = 1; i < p.Mappings.Count; i++)
            {
                var m = p.Mappings[i];
                var lm = merged[^1];
                if (Adjacent(lm, m))
                {
                    lm.Limit = m.Limit;
                    if (m.File.Length != 0) lm.File = m.File;
                    if (m.BuildId.Length != 0) lm.BuildId = m.BuildId;
                    foreach (var loc in p.Locations)
                    {
                        if (ReferenceEquals(loc.Mapping, m)) loc.Mapping = lm;
                    }
                    continue;
                }
                merged.Add(m);
            }
            p.Mappings = merged;
        }
        for (int i = 0; i < p.Mappings.Count; i++)
        {
            var m = p.Mappings[i];
            string file = TextFormat.TrimSpace(m.File.Replace("(deleted)", "", StringComparison.Ordinal));
            if (file.Length == 0 || LegacyRegex.Lib.IsMatch(file) || file[0] == '[') continue;
            (p.Mappings[0], p.Mappings[i]) = (p.Mappings[i], p.Mappings[0]);
            break;
        }
        for (int i = 0; i < p.Mappings.Count; i++) p.Mappings[i].Id = (ulong)(i + 1);
    }

    private static bool Adjacent(Mapping m1, Mapping m2)
    {
        if (m1.File.Length != 0 && m2.File.Length != 0 && m1.File != m2.File) return false;
        if (m1.BuildId.Length != 0 && m2.BuildId.Length != 0 && m1.BuildId != m2.BuildId) return false;
        if (m1.Limit != m2.Start) return false;
        if (m1.Offset != 0 && m2.Offset != 0)
        {
            ulong offset = unchecked(m1.Offset + (m1.Limit - m1.Start));
            if (offset != m2.Offset) return false;
        }
        return true;
    }

    /// <summary>Keeps only the locations samples use, numbered in order of first use.</summary>
    public static void RemapLocationIds(Profile p)
    {
        var seen = new HashSet<Location>(ReferenceEqualityComparer.Instance);
        var locs = new List<Location>();
        foreach (var s in p.Samples)
        {
            foreach (var l in s.Locations)
            {
                if (!seen.Add(l)) continue;
                l.Id = (ulong)(locs.Count + 1);
                locs.Add(l);
            }
        }
        p.Locations = locs;
    }

    /// <summary>Keeps only the functions locations use, numbered in order of first use.</summary>
    public static void RemapFunctionIds(Profile p)
    {
        var seen = new HashSet<Function>(ReferenceEqualityComparer.Instance);
        var fns = new List<Function>();
        foreach (var l in p.Locations)
        {
            foreach (var ln in l.Lines)
            {
                var fn = ln.Function;
                if (fn == null || !seen.Add(fn)) continue;
                fn.Id = (ulong)(fns.Count + 1);
                fns.Add(fn);
            }
        }
        p.Functions = fns;
    }

    /// <summary>Attaches each location to the mapping containing its address (a fake catch-all mapping when none does)
    /// and renumbers the mappings.</summary>
    public static void RemapMappingIds(Profile p)
    {
        if (p.Mappings.Count > 0)
        {
            var m0 = p.Mappings[0];
            if (m0.File.StartsWith("/anon_hugepage", StringComparison.Ordinal) && p.Mappings.Count > 1 && m0.Limit == p.Mappings[1].Start)
                p.Mappings.RemoveAt(0);
        }
        if (p.Mappings.Count > 0)
        {
            const ulong expectedStart = 0x400000;
            var m = p.Mappings[0];
            if (unchecked(m.Start - m.Offset) == expectedStart)
            {
                m.Start = expectedStart;
                m.Offset = 0;
            }
        }
        Mapping? fake = null;
        foreach (var l in p.Locations)
        {
            ulong a = l.Address;
            if (l.Mapping != null || a == 0) continue;
            Mapping? found = null;
            foreach (var m in p.Mappings)
            {
                if (m.Start <= a && a < m.Limit)
                {
                    found = m;
                    break;
                }
            }
            if (found == null)
            {
                foreach (var m in p.Mappings)
                {
                    if (m.Offset != 0 && unchecked(m.Start - m.Offset) <= a && a < m.Start)
                    {
                        m.Start = unchecked(m.Start - m.Offset);
                        m.Offset = 0;
                        found = m;
                        break;
                    }
                }
            }
            if (found == null)
            {
                if (fake == null)
                {
                    fake = new Mapping { Id = 1, Limit = ulong.MaxValue };
                    p.Mappings.Add(fake);
                }
                found = fake;
            }
            l.Mapping = found;
        }
        for (int i = 0; i < p.Mappings.Count; i++) p.Mappings[i].Id = (ulong)(i + 1);
    }

    /// <summary>Drops the second frame when it duplicates the leaf (the leaf taken from the signal context and again,
    /// adjusted by -1, from unwinding).</summary>
    public static void CleanupDuplicateLocations(Profile p)
    {
        foreach (var s in p.Samples)
        {
            if (s.Locations.Length > 1 && s.Locations[0].Address == unchecked(s.Locations[1].Address + 1))
                s.Locations = RemoveAt(s.Locations, 1);
        }
    }

    public static Location[] RemoveAt(Location[] a, int index)
    {
        var n = new Location[a.Length - 1];
        Array.Copy(a, 0, n, 0, index);
        Array.Copy(a, index + 1, n, index, a.Length - index - 1);
        return n;
    }
}

/// <summary>One location per address, in order of first appearance (how every legacy parser builds locations).</summary>
internal sealed class LocationCache
{
    private readonly Dictionary<ulong, Location> _byAddress = new();
    private readonly Profile _profile;

    public LocationCache(Profile profile) => _profile = profile;

    public Dictionary<ulong, Location> ByAddress => _byAddress;

    public Location Get(ulong address)
    {
        if (!_byAddress.TryGetValue(address, out var loc))
        {
            loc = new Location { Address = address };
            _byAddress.Add(address, loc);
            _profile.Locations.Add(loc);
        }
        return loc;
    }
}
