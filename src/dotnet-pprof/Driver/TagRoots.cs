using Pprof.Profiles;
using Pprof.Report;

namespace Pprof.Cli.Driver;

/// <summary>Adds pseudo frames for label values at the root or leaf of every stack (<c>-tagroot</c>, <c>-tagleaf</c>).</summary>
internal static class TagRoots
{
    /// <summary>Applies the tagroot/tagleaf options, warning when a key matched no sample.</summary>
    public static void Generate(Profile p, PprofConfig cfg, PprofUI ui)
    {
        var rootKeys = cfg.TagRoot.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var leafKeys = cfg.TagLeaf.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var (rootm, leafm) = AddLabelNodes(p, rootKeys, leafKeys, cfg.Unit);
        if (!(cfg.TagRoot.Length == 0 || rootm)) ui.PrintErr("TagRoot expression matched no samples");
        if (!(cfg.TagLeaf.Length == 0 || leafm)) ui.PrintErr("TagLeaf expression matched no samples");
    }

    private static (bool RootMatched, bool LeafMatched) AddLabelNodes(Profile p, string[] rootKeys, string[] leafKeys, string outputUnit)
    {
        if (rootKeys.Length == 0 && leafKeys.Length == 0) return (false, false);
        ulong nextLocId = 1, nextFuncId = 1;
        foreach (var l in p.Locations) nextLocId = Math.Max(nextLocId, l.Id + 1);
        foreach (var f in p.Functions) nextFuncId = Math.Max(nextFuncId, f.Id + 1);
        var locs = new Dictionary<(string Name, string File), Location>();

        Location Intern(string name, string file)
        {
            if (locs.TryGetValue((name, file), out var loc)) return loc;
            var fn = new Function { Id = nextFuncId++, Name = name, Filename = file };
            p.Functions.Add(fn);
            loc = new Location { Id = nextLocId++, Lines = [new Line(fn, 0)] };
            p.Locations.Add(loc);
            locs[(name, file)] = loc;
            return loc;
        }

        List<Location> MakeLabelLocs(Sample s, string[] keys, out bool match)
        {
            var result = new List<Location>();
            match = false;
            for (int i = keys.Length - 1; i >= 0; i--)
            {
                string k = keys[i];
                var values = FormatLabelValues(s, k, outputUnit);
                if (values.Count > 0) match = true;
                result.Add(Intern(string.Join(",", values), k));
            }
            return result;
        }

        bool rootm = false, leafm = false;
        foreach (var s in p.Samples)
        {
            var roots = MakeLabelLocs(s, rootKeys, out bool rm);
            rootm |= rm;
            var leaves = MakeLabelLocs(s, leafKeys, out bool lm);
            leafm |= lm;
            var newLocs = new List<Location>(leaves.Count + s.Locations.Length + roots.Count);
            newLocs.AddRange(leaves);
            newLocs.AddRange(s.Locations);
            newLocs.AddRange(roots);
            s.Locations = newLocs.ToArray();
        }
        return (rootm, leafm);
    }

    private static List<string> FormatLabelValues(Sample s, string k, string outputUnit)
    {
        var values = new List<string>();
        if (s.Labels != null && s.Labels.TryGetValue(k, out var sv)) values.AddRange(sv);
        long[] numLabels = s.NumLabels != null && s.NumLabels.TryGetValue(k, out var nl) ? nl : [];
        string[] numUnits = s.NumUnits != null && s.NumUnits.TryGetValue(k, out var nu) ? nu : [];
        if (numLabels.Length != numUnits.Length && numUnits.Length != 0) return values;
        for (int i = 0; i < numLabels.Length; i++)
        {
            values.Add(numUnits.Length != 0
                ? Measurement.ScaledLabel(numLabels[i], numUnits[i], outputUnit)
                : Measurement.ScaledLabel(numLabels[i], "", ""));
        }
        return values;
    }
}
