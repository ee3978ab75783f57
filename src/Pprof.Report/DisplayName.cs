using System.Text;

namespace Pprof.Report;

/// <summary>Shortens names too long to show: a function name of megabytes would make pages of hundreds of megabytes
/// and a graph that takes Graphviz seconds to lay out. A shortened name keeps its beginning and end, says how long the
/// whole was and carries a hash of it, so different long names stay different.</summary>
public static class DisplayName
{
    /// <summary>The longest name (in UTF-16 characters) shown in full: 4 KiB.</summary>
    public const int MaxLength = 4096;

    /// <summary><paramref name="name"/> itself when it has at most <paramref name="maxLength"/> characters; otherwise
    /// its beginning and end around a marker <c>…[N chars, #HASH]…</c>, at most <paramref name="maxLength"/> characters
    /// in all. The same name always gives the same result.</summary>
    public static string Shorten(string name, int maxLength = MaxLength)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 64);
        if (name.Length <= maxLength) return name;
        string marker = "\u2026[" + name.Length + " chars, #" + Hash(name).ToString("x16") + "]\u2026";
        int keep = maxLength - marker.Length;
        int head = Cut(name, keep * 3 / 4);
        int tail = name.Length - Cut(name, name.Length - (keep - keep * 3 / 4));
        var sb = new StringBuilder(head + marker.Length + tail);
        return sb.Append(name, 0, head).Append(marker).Append(name, name.Length - tail, tail).ToString();
    }

    /// <summary>A cut position at or before <paramref name="at"/> that does not split a surrogate pair.</summary>
    private static int Cut(string s, int at) => at > 0 && at < s.Length && char.IsLowSurrogate(s[at]) ? at - 1 : at;

    /// <summary>FNV-1a over the UTF-16 code units: stable across processes (string.GetHashCode is not).</summary>
    private static ulong Hash(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in s)
        {
            h = (h ^ c) * 1099511628211UL;
        }
        return h;
    }
}
