using System.Globalization;
using System.Text;

namespace Pprof.Profiles.Go;

/// <summary>Go's <c>strconv</c> package where pprof's behaviour depends on it: integer, float and boolean parsing with
/// Go's rules and error texts (base prefixes, underscores, range errors) and <c>strconv.Quote</c>.</summary>
public static class GoStrconv
{
    /// <summary>Go's <c>strconv.ParseUint(s, base, 64)</c>: base 0 takes the <c>0b</c>, <c>0o</c>, <c>0x</c> and <c>0</c>
    /// prefixes and underscores between digits. <paramref name="error"/> is Go's error text when it fails.</summary>
    public static bool TryParseUint(string s, int @base, out ulong value, out string? error)
    {
        value = 0;
        error = null;
        if (s.Length == 0) return Fail("ParseUint", s, "invalid syntax", out error);
        bool base0 = @base == 0;
        string s0 = s;
        int i = 0;
        if (@base == 0)
        {
            @base = 10;
            if (s[0] == '0')
            {
                if (s.Length >= 3 && (s[1] | 0x20) == 'b') { @base = 2; i = 2; }
                else if (s.Length >= 3 && (s[1] | 0x20) == 'o') { @base = 8; i = 2; }
                else if (s.Length >= 3 && (s[1] | 0x20) == 'x') { @base = 16; i = 2; }
                else { @base = 8; i = 1; }
            }
        }
        ulong cutoff = ulong.MaxValue / (ulong)@base + 1;
        bool underscores = false;
        ulong n = 0;
        for (; i < s.Length; i++)
        {
            char c = s[i];
            int d;
            if (c == '_' && base0)
            {
                underscores = true;
                continue;
            }
            if (c >= '0' && c <= '9') d = c - '0';
            else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') d = (c | 0x20) - 'a' + 10;
            else return Fail("ParseUint", s0, "invalid syntax", out error);
            if (d >= @base) return Fail("ParseUint", s0, "invalid syntax", out error);
            if (n >= cutoff)
            {
                value = ulong.MaxValue;
                return Fail("ParseUint", s0, "value out of range", out error);
            }
            n *= (ulong)@base;
            ulong n1 = n + (ulong)d;
            if (n1 < n)
            {
                value = ulong.MaxValue;
                return Fail("ParseUint", s0, "value out of range", out error);
            }
            n = n1;
        }
        if (underscores && !UnderscoreOk(s0)) return Fail("ParseUint", s0, "invalid syntax", out error);
        value = n;
        return true;
    }

    /// <summary>Go's <c>strconv.ParseInt(s, base, 64)</c> (an optional sign, then as <see cref="TryParseUint"/>);
    /// <paramref name="error"/> is Go's error text when it fails.</summary>
    public static bool TryParseInt(string s, int @base, out long value, out string? error)
    {
        value = 0;
        error = null;
        if (s.Length == 0) return Fail("ParseInt", s, "invalid syntax", out error);
        bool neg = false;
        string body = s;
        if (s[0] == '+') body = s.Substring(1);
        else if (s[0] == '-')
        {
            neg = true;
            body = s.Substring(1);
        }
        if (!TryParseUint(body, @base, out ulong un, out string? uerr))
        {
            error = uerr!.Replace("ParseUint", "ParseInt").Replace('"' + body + '"', '"' + s + '"');
            return false;
        }
        const ulong cutoff = 1UL << 63;
        if (!neg && un >= cutoff) return Fail("ParseInt", s, "value out of range", out error);
        if (neg && un > cutoff) return Fail("ParseInt", s, "value out of range", out error);
        value = neg ? unchecked(-(long)un) : (long)un;
        return true;
    }

    private static bool Fail(string fn, string s, string what, out string? error)
    {
        error = $"strconv.{fn}: parsing \"{s}\": {what}";
        return false;
    }

    /// <summary>Go's rule for base-prefixed literals with underscores: underscores only between digits or after the prefix.</summary>
    private static bool UnderscoreOk(string s)
    {
        char saw = '^';
        int i = 0;
        if (s.Length >= 1 && (s[0] == '-' || s[0] == '+')) s = s.Substring(1);
        bool hex = false;
        if (s.Length >= 2 && s[0] == '0' && ((s[1] | 0x20) is 'b' or 'o' or 'x'))
        {
            i = 2;
            saw = '0';
            hex = (s[1] | 0x20) == 'x';
        }
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if ((c >= '0' && c <= '9') || (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f'))
            {
                saw = '0';
                continue;
            }
            if (c == '_')
            {
                if (saw != '0') return false;
                saw = '_';
                continue;
            }
            if (saw == '_') return false;
            saw = '!';
        }
        return saw != '_';
    }

    /// <summary>Go's float64 to int64 conversion on amd64: NaN and out-of-range values become <see cref="long.MinValue"/>.</summary>
    internal static long FloatToInt64(double d)
    {
        if (double.IsNaN(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0) return long.MinValue;
        return (long)d;
    }

    /// <summary>Go's int64 division, which wraps instead of throwing for <c>MinValue / -1</c>.</summary>
    internal static long Div(long a, long b) => b == -1 ? unchecked(-a) : a / b;

    /// <summary>Go's <c>strconv.Atoi</c> on a 64-bit platform: an optional sign and decimal digits, nothing else.</summary>
    public static bool TryAtoi(string s, out long value) => TryParseInt(s, 10, out value, out _);

    /// <summary>Go's <c>strconv.ParseFloat(s, 64)</c> for the forms people type (decimal, exponent, inf, nan).</summary>
    public static bool TryParseFloat(string s, out double value)
    {
        value = 0;
        if (s.Length == 0 || char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1])) return false;
        string t = s.Replace("_", "", StringComparison.Ordinal);
        string lower = t.ToLowerInvariant().TrimStart('+');
        switch (lower)
        {
            case "inf" or "infinity": value = t.StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity; return true;
            case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
            case "nan": value = double.NaN; return true;
        }
        return double.TryParse(t, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Go's <c>strconv.ParseBool</c>.</summary>
    public static bool TryParseBool(string s, out bool value)
    {
        switch (s)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True": value = true; return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False": value = false; return true;
            default: value = false; return false;
        }
    }

    /// <summary>Go's <c>strconv.Quote</c> for text made of printable characters: double quotes around it, quotes,
    /// backslashes and control characters escaped.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
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
                    if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
