namespace Pprof.Profiles;

public sealed partial class Profile
{
    /// <summary>Sets string label <paramref name="key"/> to <paramref name="values"/> on every sample (the array is shared).</summary>
    public void SetLabel(string key, string[] values)
    {
        foreach (var s in Samples) s.SetLabel(key, values);
    }

    /// <summary>Removes string label <paramref name="key"/> from every sample.</summary>
    public void RemoveLabel(string key)
    {
        foreach (var s in Samples) s.DeleteLabel(key);
    }

    /// <summary>True when every location with a mapping has its mapping's function names resolved.</summary>
    public bool HasFunctions()
    {
        foreach (var l in Locations)
        {
            if (l.Mapping is { HasFunctions: false }) return false;
        }
        return true;
    }

    /// <summary>True when every location with a mapping has its mapping's file names and line numbers resolved.</summary>
    public bool HasFileLines()
    {
        foreach (var l in Locations)
        {
            if (l.Mapping is { } m && (!m.HasFilenames || !m.HasLineNumbers)) return false;
        }
        return true;
    }

    /// <summary>The unit of each numeric label key, as pprof decides it: the first non-empty unit seen for the key, or,
    /// when none was given, "bytes" for the keys <c>alignment</c> and <c>request</c> and the key itself otherwise.</summary>
    /// <returns>The units, and for each key that came with other units as well, those other units sorted.</returns>
    public (Dictionary<string, string> Units, Dictionary<string, List<string>> Ignored) NumLabelUnits()
    {
        var units = new Dictionary<string, string>(StringComparer.Ordinal);
        var ignored = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in Samples)
        {
            if (s.NumLabels == null) continue;
            foreach (var key in s.NumLabels.Keys)
            {
                keys.Add(key);
                if (s.NumUnits == null || !s.NumUnits.TryGetValue(key, out var us)) continue;
                foreach (var unit in us)
                {
                    if (unit.Length == 0) continue;
                    if (!units.TryGetValue(key, out var want)) units[key] = unit;
                    else if (want != unit)
                    {
                        if (!ignored.TryGetValue(key, out var set)) ignored[key] = set = new HashSet<string>(StringComparer.Ordinal);
                        set.Add(unit);
                    }
                }
            }
        }
        foreach (var key in keys)
        {
            if (!units.ContainsKey(key)) units[key] = key is "alignment" or "request" ? "bytes" : key;
        }
        var ignoredSorted = new Dictionary<string, List<string>>(ignored.Count, StringComparer.Ordinal);
        foreach (var kv in ignored)
        {
            var list = kv.Value.ToList();
            list.Sort(string.CompareOrdinal);
            ignoredSorted[kv.Key] = list;
        }
        return (units, ignoredSorted);
    }
}
