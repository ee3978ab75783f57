using Pprof.Profiles.Go;
using System.Globalization;
using System.Text;
using Pprof.Profiles;

namespace Pprof.Profiles.Tests;

/// <summary>Text dump of a profile in the layout of Go pprof's <c>Profile.String()</c> (time and duration left out,
/// a trailer line with header fields added), so results can be compared with what Go's profile package produces.</summary>
internal static class GoDump
{
    public static string Dump(Profile p)
    {
        var ss = new List<string>();
        foreach (var c in p.Comments) ss.Add("Comment: " + c);
        if (p.PeriodType is { } pt) ss.Add($"PeriodType: {pt.Type} {pt.Unit}");
        ss.Add("Period: " + p.Period.ToString(CultureInfo.InvariantCulture));
        ss.Add("Samples:");
        var sh = new StringBuilder();
        foreach (var t in p.SampleTypes) sh.Append(t.Type).Append('/').Append(t.Unit).Append(t.Type == p.DefaultSampleType ? "[dflt]" : "").Append(' ');
        ss.Add(sh.ToString().Trim());
        foreach (var s in p.Samples) ss.Add(SampleString(s));
        ss.Add("Locations");
        foreach (var l in p.Locations) ss.Add(LocationString(l));
        ss.Add("Mappings");
        foreach (var m in p.Mappings) ss.Add(MappingString(m));
        return string.Join("\n", ss) + "\n" +
               $"Time={p.TimeNanos} Dur={p.DurationNanos} Drop={GoStrconv.Quote(p.DropFrames)} Keep={GoStrconv.Quote(p.KeepFrames)} Default={GoStrconv.Quote(p.DefaultSampleType)}\n";
    }

    private static string Hex(ulong v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);

    private static string MappingString(Mapping m)
    {
        string bits = (m.HasFunctions ? "[FN]" : "") + (m.HasFilenames ? "[FL]" : "") + (m.HasLineNumbers ? "[LN]" : "") + (m.HasInlineFrames ? "[IN]" : "");
        return $"{m.Id}: {Hex(m.Start)}/{Hex(m.Limit)}/{Hex(m.Offset)} {m.File} {m.BuildId} {bits}";
    }

    private static string LocationString(Location l)
    {
        var ss = new List<string>();
        string locStr = $"{l.Id,6}: {Hex(l.Address)} ";
        if (l.Mapping != null) locStr += $"M={l.Mapping.Id} ";
        if (l.IsFolded) locStr += "[F] ";
        if (l.Lines.Length == 0) ss.Add(locStr);
        foreach (var ln in l.Lines)
        {
            string lnStr = "??";
            if (ln.Function is { } fn)
            {
                lnStr = $"{fn.Name} {fn.Filename}:{ln.LineNumber} s={fn.StartLine}";
                if (fn.Name != fn.SystemName) lnStr += "(" + fn.SystemName + ")";
            }
            ss.Add(locStr + lnStr);
            locStr = "             ";
        }
        return string.Join("\n", ss);
    }

    private static string SampleString(Sample s)
    {
        var sb = new StringBuilder();
        foreach (long v in s.Values) sb.Append(' ').Append(v.ToString(CultureInfo.InvariantCulture).PadLeft(10));
        sb.Append(": ");
        foreach (var l in s.Locations) sb.Append(l.Id).Append(' ');
        const string header = "                ";
        if (s.Labels is { Count: > 0 })
        {
            var ls = s.Labels.Select(kv => $"{kv.Key}:[{string.Join(" ", kv.Value)}]").ToList();
            ls.Sort(string.CompareOrdinal);
            sb.Append('\n').Append(header).Append(string.Join(" ", ls));
        }
        if (s.NumLabels is { Count: > 0 })
        {
            var ls = new List<string>();
            foreach (var kv in s.NumLabels)
            {
                string[] units = s.NumUnits != null && s.NumUnits.TryGetValue(kv.Key, out var u) ? u : Array.Empty<string>();
                ls.Add(units.Length == kv.Value.Length
                    ? $"{kv.Key}:[{string.Join(" ", kv.Value.Select((v, i) => v + " " + units[i]))}]"
                    : $"{kv.Key}:[{string.Join(" ", kv.Value)}]");
            }
            ls.Sort(string.CompareOrdinal);
            sb.Append('\n').Append(header).Append(string.Join(" ", ls));
        }
        return sb.ToString();
    }
}
