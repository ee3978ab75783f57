namespace Pprof.Profiles;

public sealed partial class Profile
{
    /// <summary>Resolves pprof's <c>-sample_index</c> value to an index into <see cref="SampleTypes"/>: empty means
    /// the <see cref="DefaultSampleType"/> (or the last type when there is none or it is unknown); a number is the index
    /// itself; otherwise a sample type name, where an <c>inuse_</c> prefix may be left out of the profile's names
    /// (legacy <c>inuse_space</c> for a <c>space</c> type).</summary>
    /// <exception cref="ProfileFormatException">An index out of range or an unknown name, with pprof's message.</exception>
    public int SampleIndexByName(string sampleIndex)
    {
        ArgumentNullException.ThrowIfNull(sampleIndex);
        if (sampleIndex.Length == 0)
        {
            if (DefaultSampleType.Length != 0)
            {
                for (int i = 0; i < SampleTypes.Count; i++)
                {
                    if (SampleTypes[i].Type == DefaultSampleType) return i;
                }
            }
            return SampleTypes.Count - 1;
        }
        if (TryParseGoInt(sampleIndex, out long n))
        {
            if (n < 0 || n >= SampleTypes.Count)
                throw new ProfileFormatException($"sample_index {sampleIndex} is outside the range [0..{SampleTypes.Count - 1}]");
            return (int)n;
        }

        string noInuse = sampleIndex.StartsWith("inuse_", StringComparison.Ordinal) ? sampleIndex.Substring("inuse_".Length) : sampleIndex;
        for (int i = 0; i < SampleTypes.Count; i++)
        {
            string t = SampleTypes[i].Type;
            if (t == sampleIndex || t == noInuse) return i;
        }
        throw new ProfileFormatException($"sample_index \"{GoQuote(sampleIndex)}\" must be one of: [{string.Join(" ", SampleTypes.Select(t => t.Type))}]");
    }

    /// <summary>Go's <c>strconv.Atoi</c>: an optional sign and decimal digits, nothing else, within int64.</summary>
    private static bool TryParseGoInt(string s, out long value)
    {
        value = 0;
        int i = 0;
        bool negative = false;
        if (s[0] == '+' || s[0] == '-')
        {
            negative = s[0] == '-';
            i = 1;
        }
        if (i == s.Length) return false;
        ulong acc = 0;
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if (c < '0' || c > '9') return false;
            if (acc > (ulong.MaxValue - 9) / 10) return false;
            acc = acc * 10 + (ulong)(c - '0');
        }
        if (negative)
        {
            if (acc > 1UL << 63) return false;
            value = unchecked(-(long)acc);
        }
        else
        {
            if (acc > long.MaxValue) return false;
            value = (long)acc;
        }
        return true;
    }

    /// <summary>The inside of Go's <c>%q</c> for ordinary text: escapes quotes, backslashes and control characters.</summary>
    internal static string GoQuote(string s)
    {
        var sb = new System.Text.StringBuilder(s.Length);
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2"));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }
}
