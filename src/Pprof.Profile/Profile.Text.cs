using System.Globalization;
using System.Text;

namespace Pprof.Profiles;

public sealed partial class Profile
{
    /// <summary>Returns the profile's text dump, byte for byte the one pprof's <c>Profile.String()</c> produces (what
    /// <c>pprof -raw</c> prints): comments, period, time, duration, samples, locations and mappings.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(256 + Samples.Count * 48 + Locations.Count * 40 + Mappings.Count * 64);
        foreach (var c in Comments) sb.Append("Comment: ").Append(c).Append('\n');
        if (PeriodType is { } pt) sb.Append("PeriodType: ").Append(pt.Type).Append(' ').Append(pt.Unit).Append('\n');
        sb.Append("Period: ").Append(Period.ToString(CultureInfo.InvariantCulture)).Append('\n');
        if (TimeNanos != 0) sb.Append("Time: ").Append(TextFormat.GoTime(TimeNanos)).Append('\n');
        if (DurationNanos != 0)
        {
            // pprof prints the duration with "%.4v": Go's duration string cut to four characters.
            string d = TextFormat.GoDuration(DurationNanos);
            sb.Append("Duration: ").Append(TextFormat.FirstRunes(d, 4)).Append('\n');
        }
        sb.Append("Samples:\n");
        var header = new StringBuilder();
        foreach (var st in SampleTypes)
        {
            header.Append(st.Type).Append('/').Append(st.Unit);
            if (st.Type == DefaultSampleType) header.Append("[dflt]");
            header.Append(' ');
        }
        sb.Append(TextFormat.TrimSpace(header.ToString())).Append('\n');
        foreach (var s in Samples)
        {
            TextFormat.AppendSample(sb, s);
            sb.Append('\n');
        }
        sb.Append("Locations\n");
        foreach (var l in Locations)
        {
            TextFormat.AppendLocation(sb, l);
            sb.Append('\n');
        }
        sb.Append("Mappings");
        foreach (var m in Mappings)
        {
            sb.Append('\n');
            TextFormat.AppendMapping(sb, m);
        }
        sb.Append('\n');
        return sb.ToString();
    }
}

/// <summary>pprof's text forms of samples, locations and mappings, and the Go formatting rules they rely on.</summary>
internal static class TextFormat
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>The mapping line of the raw dump: <c>ID: 0xSTART/0xLIMIT/0xOFFSET FILE BUILDID BITS</c>.</summary>
    public static string MappingString(Mapping m)
    {
        var sb = new StringBuilder();
        AppendMapping(sb, m);
        return sb.ToString();
    }

    /// <summary>The location line(s) of the raw dump.</summary>
    public static string LocationString(Location l)
    {
        var sb = new StringBuilder();
        AppendLocation(sb, l);
        return sb.ToString();
    }

    /// <summary>The sample line(s) of the raw dump.</summary>
    public static string SampleString(Sample s)
    {
        var sb = new StringBuilder();
        AppendSample(sb, s);
        return sb.ToString();
    }

    public static void AppendMapping(StringBuilder sb, Mapping m)
    {
        sb.Append(m.Id.ToString(s_inv)).Append(": ");
        AppendHex(sb, m.Start);
        sb.Append('/');
        AppendHex(sb, m.Limit);
        sb.Append('/');
        AppendHex(sb, m.Offset);
        sb.Append(' ').Append(m.File).Append(' ').Append(m.BuildId).Append(' ');
        if (m.HasFunctions) sb.Append("[FN]");
        if (m.HasFilenames) sb.Append("[FL]");
        if (m.HasLineNumbers) sb.Append("[LN]");
        if (m.HasInlineFrames) sb.Append("[IN]");
    }

    public static void AppendLocation(StringBuilder sb, Location l)
    {
        PadLeft(sb, l.Id.ToString(s_inv), 6);
        sb.Append(": ");
        AppendHex(sb, l.Address);
        sb.Append(' ');
        if (l.Mapping is { } m) sb.Append("M=").Append(m.Id.ToString(s_inv)).Append(' ');
        if (l.IsFolded) sb.Append("[F] ");
        var lines = l.Lines;
        for (int i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                // Later lines of an inlined stack are indented by a fixed 13 spaces.
                sb.Append('\n').Append(' ', 13);
            }
            if (lines[i].Function is { } fn)
            {
                sb.Append(fn.Name).Append(' ').Append(fn.Filename).Append(':').Append(lines[i].LineNumber.ToString(s_inv))
                  .Append(" s=").Append(fn.StartLine.ToString(s_inv));
                if (fn.Name != fn.SystemName) sb.Append('(').Append(fn.SystemName).Append(')');
            }
            else
            {
                sb.Append("??");
            }
        }
    }

    public static void AppendSample(StringBuilder sb, Sample s)
    {
        foreach (long v in s.Values)
        {
            sb.Append(' ');
            PadLeft(sb, v.ToString(s_inv), 10);
        }
        sb.Append(": ");
        foreach (var l in s.Locations) sb.Append(l.Id.ToString(s_inv)).Append(' ');
        const string labelHeader = "                ";
        if (s.Labels is { Count: > 0 } labels)
        {
            var ls = new List<string>(labels.Count);
            foreach (var kv in labels) ls.Add(kv.Key + ":[" + string.Join(' ', kv.Value) + "]");
            ls.Sort(StringComparer.Ordinal);
            sb.Append('\n').Append(labelHeader).Append(string.Join(' ', ls));
        }
        if (s.NumLabels is { Count: > 0 } nums)
        {
            var ls = new List<string>(nums.Count);
            foreach (var kv in nums)
            {
                string[]? units = null;
                s.NumUnits?.TryGetValue(kv.Key, out units);
                var parts = new string[kv.Value.Length];
                for (int i = 0; i < parts.Length; i++)
                {
                    parts[i] = units != null && units.Length == kv.Value.Length
                        ? kv.Value[i].ToString(s_inv) + " " + units[i]
                        : kv.Value[i].ToString(s_inv);
                }
                ls.Add(kv.Key + ":[" + string.Join(' ', parts) + "]");
            }
            ls.Sort(StringComparer.Ordinal);
            sb.Append('\n').Append(labelHeader).Append(string.Join(' ', ls));
        }
    }

    private static void AppendHex(StringBuilder sb, ulong v) => sb.Append("0x").Append(v.ToString("x", s_inv));

    private static void PadLeft(StringBuilder sb, string s, int width)
    {
        if (s.Length < width) sb.Append(' ', width - s.Length);
        sb.Append(s);
    }

    /// <summary>Go's <c>strings.TrimSpace</c> for ASCII white space.</summary>
    public static string TrimSpace(string s)
    {
        int a = 0, b = s.Length;
        while (a < b && IsSpace(s[a])) a++;
        while (b > a && IsSpace(s[b - 1])) b--;
        return a == 0 && b == s.Length ? s : s.Substring(a, b - a);
    }

    public static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';

    /// <summary>The first <paramref name="n"/> characters (runes) of <paramref name="s"/>, as Go's <c>%.Nv</c> cuts a string.</summary>
    public static string FirstRunes(string s, int n)
    {
        int i = 0, count = 0;
        while (i < s.Length && count < n)
        {
            i += char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;
            count++;
        }
        return s.Substring(0, i);
    }

    /// <summary>Go's <c>time.Duration.String()</c>: <c>72h3m0.5s</c>, <c>1.5ms</c>, <c>0s</c>.</summary>
    public static string GoDuration(long d)
    {
        if (d == 0) return "0s";
        bool neg = d < 0;
        ulong u = neg ? (ulong)(-(d + 1)) + 1 : (ulong)d;
        var sb = new StringBuilder();
        if (u < 1_000_000_000UL)
        {
            // Sub-second: ns, µs or ms with a fraction.
            int prec;
            string unit;
            if (u < 1000UL)
            {
                sb.Append(u.ToString(s_inv)).Append("ns");
                return (neg ? "-" : "") + sb;
            }
            if (u < 1_000_000UL)
            {
                prec = 3;
                unit = "µs";
            }
            else
            {
                prec = 6;
                unit = "ms";
            }
            string frac = Fraction(ref u, prec);
            return (neg ? "-" : "") + u.ToString(s_inv) + frac + unit;
        }
        string secFrac = Fraction(ref u, 9);
        ulong secs = u % 60;
        u /= 60;
        string result;
        if (u > 0)
        {
            ulong mins = u % 60;
            u /= 60;
            result = mins.ToString(s_inv) + "m" + secs.ToString(s_inv) + secFrac + "s";
            if (u > 0) result = u.ToString(s_inv) + "h" + result;
        }
        else
        {
            result = secs.ToString(s_inv) + secFrac + "s";
        }
        return (neg ? "-" : "") + result;
    }

    /// <summary>Splits off the low <paramref name="prec"/> decimal digits of <paramref name="v"/> as Go does: ".ddd" without trailing zeros, or empty.</summary>
    private static string Fraction(ref ulong v, int prec)
    {
        Span<char> buf = stackalloc char[prec + 1];
        bool print = false;
        int w = buf.Length;
        for (int i = 0; i < prec; i++)
        {
            ulong digit = v % 10;
            print = print || digit != 0;
            if (print) buf[--w] = (char)('0' + (int)digit);
            v /= 10;
        }
        if (!print) return "";
        buf[--w] = '.';
        return new string(buf.Slice(w));
    }

    /// <summary>Go's <c>time.Unix(0, ns).String()</c> in the local time zone: <c>2006-01-02 15:04:05.999999999 -0700 MST</c>.</summary>
    public static string GoTime(long unixNanos)
    {
        long secs = Math.DivRem(unixNanos, 1_000_000_000L, out long nsec);
        if (nsec < 0)
        {
            nsec += 1_000_000_000L;
            secs--;
        }
        var utc = DateTimeOffset.UnixEpoch.AddSeconds(secs);
        var zone = TimeZoneInfo.Local;
        TimeSpan offset = zone.GetUtcOffset(utc);
        var local = utc.ToOffset(offset);
        var sb = new StringBuilder();
        sb.Append(local.ToString("yyyy-MM-dd HH:mm:ss", s_inv));
        if (nsec != 0)
        {
            string f = nsec.ToString("D9", s_inv).TrimEnd('0');
            sb.Append('.').Append(f);
        }
        sb.Append(' ').Append(offset < TimeSpan.Zero ? '-' : '+');
        var abs = offset.Duration();
        sb.Append(abs.Hours.ToString("D2", s_inv)).Append(abs.Minutes.ToString("D2", s_inv));
        sb.Append(' ').Append(ZoneAbbreviation(zone, offset));
        return sb.ToString();
    }

    private static string ZoneAbbreviation(TimeZoneInfo zone, TimeSpan offset)
    {
        if (offset == TimeSpan.Zero && (zone.Id is "UTC" or "Etc/UTC" or "Etc/Universal" or "Universal" or "Zulu" or "Etc/Zulu" or "Etc/GMT" || zone == TimeZoneInfo.Utc))
            return "UTC";
        // Go prints the zone database abbreviation; .NET does not expose it, so use Go's numeric form for unnamed zones.
        var abs = offset.Duration();
        string s = (offset < TimeSpan.Zero ? "-" : "+") + abs.Hours.ToString("D2", s_inv);
        if (abs.Minutes != 0) s += abs.Minutes.ToString("D2", s_inv);
        return s;
    }
}
