using System.Text.RegularExpressions;
using Pprof.Profiles.Ops;

namespace Pprof.Profiles;

public sealed partial class Profile
{
    private const byte Focused = 1, Ignored = 2, Hidden = 4;

    /// <summary>pprof's <c>-focus</c>, <c>-ignore</c>, <c>-hide</c> and <c>-show</c>. A location matches an expression
    /// when it is found (unanchored) in a frame's function or file name, or in the location's mapping file. Keeps the
    /// samples that have a location matching <paramref name="focus"/> (any location when it is null) and none
    /// matching <paramref name="ignore"/>; samples without locations are dropped. Then removes from every location
    /// the frames matching <paramref name="hide"/> and those not matching <paramref name="show"/>, drops locations left
    /// without frames from the stacks, and drops samples left without locations.</summary>
    /// <returns>Whether each expression matched something: focus and ignore matched a location, hide matched a
    /// location, show left a location with frames.</returns>
    public (bool FocusMatched, bool IgnoreMatched, bool HideMatched, bool ShowMatched) FilterSamplesByName(Regex? focus, Regex? ignore, Regex? hide, Regex? show)
    {
        bool fm = false, im = false, hm = false, sm = false, anyHidden = false;
        var flags = IdMap<byte>.ForLocations(Locations);
        foreach (var l in Locations)
        {
            byte f = 0;
            if (ignore != null && NameMatch.Location(l, ignore))
            {
                im = true;
                f = Ignored;
            }
            else if (focus == null || NameMatch.Location(l, focus))
            {
                fm = true;
                f = Focused;
            }
            if (hide != null && NameMatch.Location(l, hide))
            {
                hm = true;
                l.Lines = NameMatch.UnmatchedLines(l, hide);
                if (l.Lines.Length == 0) f |= Hidden;
            }
            if (show != null)
            {
                l.Lines = NameMatch.MatchedLines(l, show);
                if (l.Lines.Length == 0) f |= Hidden;
                else sm = true;
            }
            anyHidden |= (f & Hidden) != 0;
            flags.Set(l.Id, f);
        }

        var samples = Samples;
        int kept = 0;
        for (int si = 0; si < samples.Count; si++)
        {
            var s = samples[si];
            if (!FocusedAndNotIgnored(s.Locations, flags, ignore != null)) continue;
            if (anyHidden)
            {
                var locs = s.Locations;
                int visible = 0;
                foreach (var l in locs) if ((flags.GetOrDefault(l.Id) & Hidden) == 0) visible++;
                if (visible == 0) continue;
                if (visible != locs.Length)
                {
                    var shown = new Location[visible];
                    int j = 0;
                    foreach (var l in locs) if ((flags.GetOrDefault(l.Id) & Hidden) == 0) shown[j++] = l;
                    s.Locations = shown;
                }
            }
            samples[kept++] = s;
        }
        samples.RemoveRange(kept, samples.Count - kept);
        return (fm, im, hm, sm);
    }

    private static bool FocusedAndNotIgnored(Location[] locs, IdMap<byte> flags, bool anyIgnored)
    {
        bool focused = false;
        foreach (var l in locs)
        {
            byte f = flags.GetOrDefault(l.Id);
            if ((f & Ignored) != 0) return false;
            if ((f & Focused) != 0)
            {
                // Without an ignore expression no frame can veto the sample: the first focused frame decides.
                if (!anyIgnored) return true;
                focused = true;
            }
        }
        return focused;
    }

    /// <summary>pprof's <c>-show_from</c>: in every stack, drops the frames above (callers of) the outermost frame
    /// matching <paramref name="showFrom"/>, and drops samples with no matching frame. A location matching through its
    /// mapping file is kept whole. Returns whether anything matched; a null expression changes nothing and returns false.</summary>
    public bool ShowFrom(Regex? showFrom)
    {
        if (showFrom == null) return false;
        bool matched = false;
        var shown = IdMap<bool>.ForLocations(Locations);
        foreach (var loc in Locations)
        {
            if (NameMatch.MappingMatches(loc, showFrom))
            {
                shown.Set(loc.Id, true);
                matched = true;
                continue;
            }
            int i = NameMatch.LastMatchedLine(loc, showFrom);
            if (i >= 0)
            {
                if (i + 1 < loc.Lines.Length) loc.Lines = loc.Lines.AsSpan(0, i + 1).ToArray();
                shown.Set(loc.Id, true);
                matched = true;
            }
        }

        var samples = Samples;
        int kept = 0;
        for (int si = 0; si < samples.Count; si++)
        {
            var s = samples[si];
            var locs = s.Locations;
            for (int i = locs.Length - 1; i >= 0; i--)
            {
                if (shown.GetOrDefault(locs[i].Id))
                {
                    if (i + 1 < locs.Length) s.Locations = locs.AsSpan(0, i + 1).ToArray();
                    samples[kept++] = s;
                    break;
                }
            }
        }
        samples.RemoveRange(kept, samples.Count - kept);
        return matched;
    }

    /// <summary>pprof's <c>-tagshow</c> and <c>-taghide</c>: removes from every sample the string and numeric labels
    /// whose key does not match <paramref name="show"/> (when given) or matches <paramref name="hide"/>.</summary>
    /// <returns>Whether show matched a label key (true for every key when show is null) and whether hide matched one.</returns>
    public (bool ShowMatched, bool HideMatched) FilterTagsByName(Regex? show, Regex? hide)
    {
        bool sm = false, hm = false;
        bool Remove(string key)
        {
            bool matchShow = show == null || show.IsMatch(key);
            bool matchHide = hide != null && hide.IsMatch(key);
            sm |= matchShow;
            hm |= matchHide;
            return !matchShow || matchHide;
        }
        foreach (var s in Samples)
        {
            if (s.Labels != null)
            {
                // Removing entries while enumerating a Dictionary is allowed.
                foreach (var key in s.Labels.Keys)
                {
                    if (Remove(key)) s.Labels.Remove(key);
                }
                if (s.Labels.Count == 0) s.Labels = null;
            }
            if (s.NumLabels != null)
            {
                foreach (var key in s.NumLabels.Keys)
                {
                    if (Remove(key))
                    {
                        s.NumLabels.Remove(key);
                        s.NumUnits?.Remove(key);
                    }
                }
                if (s.NumLabels.Count == 0) s.NumLabels = null;
                if (s.NumUnits is { Count: 0 }) s.NumUnits = null;
            }
        }
        return (sm, hm);
    }

    /// <summary>pprof's <c>-tagfocus</c> and <c>-tagignore</c>: keeps the samples <paramref name="focus"/> accepts
    /// (all when null) that <paramref name="ignore"/> does not (none when null).</summary>
    /// <returns>Whether focus accepted any sample and whether ignore accepted any.</returns>
    public (bool FocusMatched, bool IgnoreMatched) FilterSamplesByTag(Func<Sample, bool>? focus, Func<Sample, bool>? ignore)
    {
        bool fm = false, im = false;
        var samples = Samples;
        int kept = 0;
        for (int si = 0; si < samples.Count; si++)
        {
            var s = samples[si];
            bool focused = focus == null || focus(s);
            bool ignored = ignore != null && ignore(s);
            fm |= focused;
            im |= ignored;
            if (focused && !ignored) samples[kept++] = s;
        }
        samples.RemoveRange(kept, samples.Count - kept);
        return (fm, im);
    }
}
