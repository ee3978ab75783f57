using System.Globalization;
using System.Numerics;
using System.Text;

namespace Pprof.Profiles.Go;

/// <summary>
/// Go-compatible number formatting: the <c>fmt</c> verbs <c>%.Nf</c>, <c>%.Ng</c>, <c>%g</c>/<c>%v</c> and
/// <c>%.Ne</c> for float64, byte-identical to Go (exact decimal expansion with round-half-even, Go's choice
/// between plain and exponent notation, two-digit exponents).
/// </summary>
public static class GoFormat
{
    /// <summary>Go's <c>%.{prec}f</c>.</summary>
    public static string Fixed(double v, int prec)
    {
        if (Special(v) is { } s) return s;
        var d = Decimal.From(v);
        d.Round(d.DecimalPoint + prec);
        return d.Negative ? "-" + FormatF(d, prec) : FormatF(d, prec);
    }

    /// <summary>Go's <c>%.{prec}g</c>; a negative <paramref name="prec"/> means the shortest representation (Go's
    /// <c>%g</c> and <c>%v</c>).</summary>
    public static string G(double v, int prec = -1)
    {
        if (Special(v) is { } s) return s;
        Decimal d;
        bool shortest = prec < 0;
        if (shortest)
        {
            d = Decimal.Shortest(v);
            prec = d.Digits.Length;
        }
        else
        {
            if (prec == 0) prec = 1;
            d = Decimal.From(v);
            d.Round(prec);
        }
        int eprec = prec;
        if (eprec > d.Digits.Length && d.Digits.Length >= d.DecimalPoint) eprec = d.Digits.Length;
        if (shortest) eprec = 6;
        int exp = d.DecimalPoint - 1;
        string body;
        if (exp < -4 || exp >= eprec)
        {
            if (prec > d.Digits.Length) prec = d.Digits.Length;
            body = FormatE(d, prec - 1);
        }
        else
        {
            if (prec > d.DecimalPoint) prec = d.Digits.Length;
            body = FormatF(d, Math.Max(prec - d.DecimalPoint, 0));
        }
        return d.Negative ? "-" + body : body;
    }

    /// <summary>Go's <c>%.{prec}e</c>.</summary>
    public static string E(double v, int prec)
    {
        if (Special(v) is { } s) return s;
        var d = Decimal.From(v);
        d.Round(prec + 1);
        return d.Negative ? "-" + FormatE(d, prec) : FormatE(d, prec);
    }

    /// <summary>Pads <paramref name="s"/> on the left with spaces to <paramref name="width"/> characters (Go's <c>%5s</c> etc).</summary>
    public static string PadLeft(string s, int width) => s.Length >= width ? s : s.PadLeft(width);

    private static string? Special(double v)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsPositiveInfinity(v)) return "+Inf";
        if (double.IsNegativeInfinity(v)) return "-Inf";
        return null;
    }

    private static string FormatF(Decimal d, int prec)
    {
        var sb = new StringBuilder();
        if (d.DecimalPoint > 0)
        {
            int m = Math.Min(d.Digits.Length, d.DecimalPoint);
            sb.Append(d.Digits, 0, m);
            sb.Append('0', d.DecimalPoint - m);
        }
        else
        {
            sb.Append('0');
        }
        if (prec > 0)
        {
            sb.Append('.');
            for (int i = 1; i <= prec; i++)
            {
                int j = d.DecimalPoint + i - 1;
                sb.Append(j >= 0 && j < d.Digits.Length ? d.Digits[j] : '0');
            }
        }
        return sb.ToString();
    }

    private static string FormatE(Decimal d, int prec)
    {
        var sb = new StringBuilder();
        sb.Append(d.Digits.Length == 0 ? '0' : d.Digits[0]);
        if (prec > 0)
        {
            sb.Append('.');
            int i = 1;
            int m = Math.Min(d.Digits.Length, prec + 1);
            if (i < m)
            {
                sb.Append(d.Digits, i, m - i);
                i = m;
            }
            sb.Append('0', prec + 1 - i);
        }
        int exp = d.DecimalPoint - 1;
        if (d.Digits.Length == 0) exp = 0;
        sb.Append('e');
        if (exp < 0)
        {
            sb.Append('-');
            exp = -exp;
        }
        else
        {
            sb.Append('+');
        }
        if (exp < 10) sb.Append('0');
        sb.Append(exp.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    /// <summary>A decimal number: digits (no leading or trailing zeros) and the position of the decimal point.</summary>
    private sealed class Decimal
    {
        public string Digits = "";
        public int DecimalPoint;
        public bool Negative;

        /// <summary>The exact decimal expansion of a finite double.</summary>
        public static Decimal From(double v)
        {
            var d = new Decimal { Negative = double.IsNegative(v) };
            long bits = BitConverter.DoubleToInt64Bits(v);
            int exp = (int)((bits >> 52) & 0x7FF);
            long mant = bits & 0xFFFFFFFFFFFFFL;
            if (exp == 0) exp = 1;
            else mant |= 1L << 52;
            exp -= 1075;
            if (mant == 0) return d;
            BigInteger n;
            int dp;
            if (exp >= 0)
            {
                n = new BigInteger(mant) << exp;
                string s = n.ToString(CultureInfo.InvariantCulture);
                dp = s.Length;
                d.Digits = s;
            }
            else
            {
                n = new BigInteger(mant) * BigInteger.Pow(5, -exp);
                string s = n.ToString(CultureInfo.InvariantCulture);
                dp = s.Length + exp;
                d.Digits = s;
            }
            d.DecimalPoint = dp;
            d.Trim();
            return d;
        }

        /// <summary>The shortest decimal that reads back as <paramref name="v"/>.</summary>
        public static Decimal Shortest(double v)
        {
            var d = new Decimal { Negative = double.IsNegative(v) };
            if (v == 0) return d;
            string r = Math.Abs(v).ToString("E16", CultureInfo.InvariantCulture);
            // Find the shortest precision that round-trips, as "R" would, but in a fixed layout.
            for (int p = 0; p <= 16; p++)
            {
                string e = Math.Abs(v).ToString("E" + p.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                if (double.Parse(e, CultureInfo.InvariantCulture) == Math.Abs(v))
                {
                    r = e;
                    break;
                }
            }
            int ePos = r.IndexOf('E');
            string mantissa = r.Substring(0, ePos).Replace(".", "", StringComparison.Ordinal);
            int exponent = int.Parse(r.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            d.Digits = mantissa;
            d.DecimalPoint = exponent + 1;
            d.Trim();
            return d;
        }

        private void Trim()
        {
            int start = 0;
            while (start < Digits.Length && Digits[start] == '0')
            {
                start++;
                DecimalPoint--;
            }
            int end = Digits.Length;
            while (end > start && Digits[end - 1] == '0') end--;
            Digits = Digits.Substring(start, end - start);
            if (Digits.Length == 0) DecimalPoint = 0;
        }

        /// <summary>Rounds to <paramref name="nd"/> digits, half to even (the expansion is exact, so a trailing 5 is a true tie).</summary>
        public void Round(int nd)
        {
            if (nd < 0 || nd >= Digits.Length) return;
            bool up;
            if (Digits[nd] == '5' && nd + 1 == Digits.Length) up = nd > 0 && (Digits[nd - 1] - '0') % 2 == 1;
            else up = Digits[nd] >= '5';
            if (up) RoundUp(nd);
            else RoundDown(nd);
        }

        private void RoundDown(int nd)
        {
            Digits = Digits.Substring(0, nd);
            Trim();
        }

        private void RoundUp(int nd)
        {
            int i = nd - 1;
            while (i >= 0 && Digits[i] == '9') i--;
            if (i < 0)
            {
                Digits = "1";
                DecimalPoint++;
                return;
            }
            Digits = Digits.Substring(0, i) + (char)(Digits[i] + 1);
        }
    }
}
