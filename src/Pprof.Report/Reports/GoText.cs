using System.Text;

namespace Pprof.Report.Reports;

/// <summary>Text helpers that reproduce Go's fmt width handling (widths count runes, not UTF-16 units).</summary>
internal static class GoText
{
    /// <summary>Number of Unicode code points in <paramref name="s"/> (Go's utf8.RuneCountInString).</summary>
    internal static int RuneCount(string s)
    {
        int n = s.Length;
        for (int i = 0; i + 1 < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && char.IsLowSurrogate(s[i + 1]))
            {
                n--;
                i++;
            }
        }
        return n;
    }

    /// <summary>Appends <paramref name="s"/> right-aligned in <paramref name="width"/> columns (Go's <c>%Ns</c>).</summary>
    internal static StringBuilder AppendRight(this StringBuilder sb, string s, int width)
    {
        int pad = width - RuneCount(s);
        if (pad > 0) sb.Append(' ', pad);
        return sb.Append(s);
    }

    /// <summary>Appends <paramref name="s"/> left-aligned in <paramref name="width"/> columns (Go's <c>%-Ns</c>).</summary>
    internal static StringBuilder AppendLeft(this StringBuilder sb, string s, int width)
    {
        sb.Append(s);
        int pad = width - RuneCount(s);
        if (pad > 0) sb.Append(' ', pad);
        return sb;
    }

    /// <summary>Writes <paramref name="s"/> right-aligned in <paramref name="width"/> columns (Go's <c>%Ns</c>).</summary>
    internal static void WriteRight(this TextWriter w, string s, int width)
    {
        int pad = width - RuneCount(s);
        for (; pad > 0; pad--) w.Write(' ');
        w.Write(s);
    }
}
