using Pprof.Profiles;
using System.Globalization;
using System.Text;

namespace Pprof.Cli.Driver;

/// <summary>Go's number and boolean parsing and formatting rules, where pprof's behaviour depends on them.</summary>
internal static class GoParse
{
    /// <summary>strconv.Atoi: optional sign, decimal digits, 64-bit range.</summary>
    public static bool TryAtoi(string s, out long value) =>
        long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && s.Length > 0 && !char.IsWhiteSpace(s[0]);

    /// <summary>strconv.ParseInt(s, 0, 64) as the flag package uses it: base prefixes 0x, 0o, 0b and a leading 0 for octal.</summary>
    public static bool TryParseFlagInt(string s, out long value, out bool outOfRange)
    {
        value = 0;
        outOfRange = false;
        if (s.Length == 0) return false;
        bool neg = false;
        string t = s;
        if (t[0] is '+' or '-')
        {
            neg = t[0] == '-';
            t = t[1..];
        }
        int radix = 10;
        bool prefixed = false;
        if (t.Length > 1 && t[0] == '0')
        {
            char p = char.ToLowerInvariant(t[1]);
            if (p == 'x') { radix = 16; t = t[2..]; prefixed = true; }
            else if (p == 'o') { radix = 8; t = t[2..]; prefixed = true; }
            else if (p == 'b') { radix = 2; t = t[2..]; prefixed = true; }
            else { radix = 8; t = t[1..]; prefixed = true; }
        }
        if (prefixed) t = t.Replace("_", "", StringComparison.Ordinal);
        if (t.Length == 0) return false;
        ulong acc = 0;
        foreach (char c in t)
        {
            int d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => 99,
            };
            if (d >= radix) return false;
            if (acc > (ulong.MaxValue - (ulong)d) / (ulong)radix)
            {
                outOfRange = true;
                acc = ulong.MaxValue;
                continue;
            }
            acc = acc * (ulong)radix + (ulong)d;
        }
        if (outOfRange || acc > (neg ? 1UL << 63 : (ulong)long.MaxValue))
        {
            outOfRange = true;
            return false;
        }
        long signed = neg ? (long)(0UL - acc) : (long)acc;
        value = signed;
        return true;
    }

    /// <summary>strconv.ParseFloat(s, 64) for the forms people type (decimal, exponent, inf, nan).</summary>
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

    /// <summary>strconv.ParseBool.</summary>
    public static bool TryParseBool(string s, out bool value)
    {
        switch (s)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True": value = true; return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False": value = false; return true;
            default: value = false; return false;
        }
    }

    /// <summary>pprof's lenient boolean parsing for option assignments (an empty value means true).</summary>
    public static bool TryStringToBool(string s, out bool value)
    {
        switch (s.ToLowerInvariant())
        {
            case "true" or "t" or "yes" or "y" or "1" or "": value = true; return true;
            case "false" or "f" or "no" or "n" or "0": value = false; return true;
            default: value = false; return false;
        }
    }

    /// <summary>Go's <c>fmt.Sprint</c> of a float64 (shortest representation, exponent form below 1e-4 or from 1e21).</summary>
    public static string FormatFloat(double v)
    {
        if (double.IsPositiveInfinity(v)) return "+Inf";
        if (double.IsNegativeInfinity(v)) return "-Inf";
        if (double.IsNaN(v)) return "NaN";
        if (v == 0) return double.IsNegative(v) ? "-0" : "0";
        // The shortest round-tripping digits, re-laid out by Go's rules.
        string shortest = v.ToString("R", CultureInfo.InvariantCulture);
        string digits = shortest.TrimStart('-');
        int ePos = digits.IndexOfAny(['E', 'e']);
        string mantissa = ePos >= 0 ? digits[..ePos] : digits;
        int expPart = ePos >= 0 ? int.Parse(digits[(ePos + 1)..], CultureInfo.InvariantCulture) : 0;
        int dot = mantissa.IndexOf('.');
        string intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        string fracPart = dot >= 0 ? mantissa[(dot + 1)..] : "";
        string allDigits = (intPart + fracPart).TrimStart('0');
        int leadingZeros = (intPart + fracPart).Length - (intPart + fracPart).TrimStart('0').Length;
        int exp = intPart.Length - 1 - leadingZeros + expPart;
        allDigits = allDigits.TrimEnd('0');
        if (allDigits.Length == 0) allDigits = "0";
        var sb = new StringBuilder();
        if (v < 0) sb.Append('-');
        if (exp < -4 || exp >= 21)
        {
            sb.Append(allDigits[0]);
            if (allDigits.Length > 1) sb.Append('.').Append(allDigits, 1, allDigits.Length - 1);
            sb.Append('e').Append(exp < 0 ? '-' : '+');
            int ae = Math.Abs(exp);
            if (ae < 10) sb.Append('0');
            sb.Append(ae.ToString(CultureInfo.InvariantCulture));
            return sb.ToString();
        }
        if (exp < 0)
        {
            sb.Append("0.").Append('0', -exp - 1).Append(allDigits);
        }
        else if (allDigits.Length <= exp + 1)
        {
            sb.Append(allDigits).Append('0', exp + 1 - allDigits.Length);
        }
        else
        {
            sb.Append(allDigits, 0, exp + 1).Append('.').Append(allDigits, exp + 1, allDigits.Length - exp - 1);
        }
        return sb.ToString();
    }

    /// <summary>strconv.Quote for printable text (the escaping is the profile library's, shared with its messages).</summary>
    public static string Quote(string s) => "\"" + Profile.GoQuote(s) + "\"";
}
