using System.Text.RegularExpressions;

namespace Pprof.Profiles.Ops;

/// <summary>How pprof matches a regular expression against a location: a frame matches when the expression is found
/// in its function name or its file name; the whole location also matches through its mapping's file.</summary>
internal static class NameMatch
{
    public static bool LineMatches(in Line line, Regex re) =>
        line.Function is { } fn && (re.IsMatch(fn.Name) || re.IsMatch(fn.Filename));

    public static bool MappingMatches(Location loc, Regex re) => loc.Mapping is { } m && re.IsMatch(m.File);

    /// <summary>Whether any frame of the location, or its mapping, matches.</summary>
    public static bool Location(Location loc, Regex re)
    {
        foreach (var ln in loc.Lines)
        {
            if (LineMatches(ln, re)) return true;
        }
        return MappingMatches(loc, re);
    }

    /// <summary>The lines that do not match; none when the mapping matches.</summary>
    public static Line[] UnmatchedLines(Location loc, Regex re)
    {
        if (MappingMatches(loc, re)) return Array.Empty<Line>();
        var lines = loc.Lines;
        List<Line>? kept = null;
        for (int i = 0; i < lines.Length; i++)
        {
            if (LineMatches(lines[i], re))
            {
                kept ??= new List<Line>(lines.AsSpan(0, i).ToArray());
                continue;
            }
            kept?.Add(lines[i]);
        }
        return kept == null ? lines : kept.ToArray();
    }

    /// <summary>The lines that match, or have no function; all of them when the mapping matches.</summary>
    public static Line[] MatchedLines(Location loc, Regex re)
    {
        var lines = loc.Lines;
        if (MappingMatches(loc, re)) return lines;
        List<Line>? kept = null;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Function != null && !LineMatches(lines[i], re))
            {
                kept ??= new List<Line>(lines.AsSpan(0, i).ToArray());
                continue;
            }
            kept?.Add(lines[i]);
        }
        return kept == null ? lines : kept.ToArray();
    }

    /// <summary>Index of the outermost (last) matching line, or -1.</summary>
    public static int LastMatchedLine(Location loc, Regex re)
    {
        var lines = loc.Lines;
        for (int i = lines.Length - 1; i >= 0; i--)
        {
            if (LineMatches(lines[i], re)) return i;
        }
        return -1;
    }
}
