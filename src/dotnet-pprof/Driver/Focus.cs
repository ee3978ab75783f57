using Pprof.Profiles.Go;
using System.Text.RegularExpressions;
using Pprof.Profiles;
using Pprof.Report;

namespace Pprof.Cli.Driver;

/// <summary>Applies the focus, ignore, hide, show, show_from, prune_from and tag filters (pprof's driver_focus.go).</summary>
internal static class Focus
{
    private static readonly Regex s_tagFilterRange = new(@"([+-]?[0-9]+)([A-Za-z]+)?", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    /// <summary>Filters <paramref name="p"/> as <paramref name="cfg"/> says, warning on stderr about filters that matched nothing.</summary>
    public static void Apply(Profile p, Dictionary<string, string> numLabelUnits, PprofConfig cfg, PprofUI ui)
    {
        var focus = CompileRegexOption("focus", cfg.Focus);
        var ignore = CompileRegexOption("ignore", cfg.Ignore);
        var hide = CompileRegexOption("hide", cfg.Hide);
        var show = CompileRegexOption("show", cfg.Show);
        var showFrom = CompileRegexOption("show_from", cfg.ShowFrom);
        var tagFocus = CompileTagFilter("tagfocus", cfg.TagFocus, numLabelUnits, ui);
        var tagIgnore = CompileTagFilter("tagignore", cfg.TagIgnore, numLabelUnits, ui);
        var pruneFrom = CompileRegexOption("prune_from", cfg.PruneFrom);
        // pprof compiles tagshow/taghide after filtering samples but reports a bad one before any output.
        var tagShow = CompileRegexOption("tagshow", cfg.TagShow);
        var tagHide = CompileRegexOption("taghide", cfg.TagHide);

        var (fm, im, hm, hnm) = p.FilterSamplesByName(focus, ignore, hide, show);
        WarnNoMatches(focus == null || fm, "Focus", ui);
        WarnNoMatches(ignore == null || im, "Ignore", ui);
        WarnNoMatches(hide == null || hm, "Hide", ui);
        WarnNoMatches(show == null || hnm, "Show", ui);

        bool sfm = p.ShowFrom(showFrom);
        WarnNoMatches(showFrom == null || sfm, "ShowFrom", ui);

        var (tfm, tim) = p.FilterSamplesByTag(tagFocus, tagIgnore);
        WarnNoMatches(tagFocus == null || tfm, "TagFocus", ui);
        WarnNoMatches(tagIgnore == null || tim, "TagIgnore", ui);

        var (tns, tnh) = p.FilterTagsByName(tagShow, tagHide);
        WarnNoMatches(tagShow == null || tns, "TagShow", ui);
        WarnNoMatches(tagHide == null || tnh, "TagHide", ui);

        if (pruneFrom != null) p.PruneFrom(pruneFrom);
    }

    /// <summary>Compiles an option's RE2 regexp; null when the option is empty.</summary>
    public static Regex? CompileRegexOption(string name, string value)
    {
        if (value.Length == 0) return null;
        try
        {
            return GoRegex.Compile(value);
        }
        catch (GoRegexException e)
        {
            throw new PprofException($"parsing {name} regexp: {e.Message}");
        }
    }

    private static void WarnNoMatches(bool match, string option, PprofUI ui)
    {
        if (!match) ui.PrintErr(option + " expression matched no samples");
    }

    /// <summary>Builds a sample predicate from a tag filter: <c>[key=]range</c> for numeric labels (e.g. <c>1mb:2gb</c>),
    /// or <c>[key=]regexp[,regexp...]</c> for string labels (pprof's compileTagFilter).</summary>
    public static Func<Sample, bool>? CompileTagFilter(string name, string value, Dictionary<string, string> numLabelUnits, PprofUI ui)
    {
        if (value.Length == 0) return null;
        string wantKey = "";
        int eq = value.IndexOf('=');
        if (eq >= 0)
        {
            wantKey = value[..eq];
            value = value[(eq + 1)..];
        }

        var numFilter = ParseTagFilterRange(value);
        if (numFilter != null)
        {
            ui.PrintErr(name + ":Interpreted '" + value + "' as range, not regexp");
            bool LabelFilter(long[] vals, string unit)
            {
                foreach (var v in vals)
                    if (numFilter(v, unit)) return true;
                return false;
            }
            string UnitOf(string key) => numLabelUnits.GetValueOrDefault(key, "");
            if (wantKey.Length == 0)
            {
                return s =>
                {
                    if (s.NumLabels == null) return false;
                    foreach (var (key, vals) in s.NumLabels)
                        if (LabelFilter(vals, UnitOf(key))) return true;
                    return false;
                };
            }
            return s => s.NumLabels != null && s.NumLabels.TryGetValue(wantKey, out var vals) && LabelFilter(vals, UnitOf(wantKey));
        }

        var rfx = new List<Regex>();
        foreach (var tagf in value.Split(','))
        {
            try
            {
                rfx.Add(GoRegex.Compile(tagf));
            }
            catch (GoRegexException e)
            {
                throw new PprofException($"parsing {name} regexp: {e.Message}");
            }
        }
        if (wantKey.Length == 0)
        {
            return s =>
            {
                foreach (var rx in rfx)
                {
                    bool matched = false;
                    if (s.Labels != null)
                    {
                        foreach (var (key, vals) in s.Labels)
                        {
                            foreach (var val in vals)
                            {
                                if (rx.IsMatch(key + ":" + val))
                                {
                                    matched = true;
                                    break;
                                }
                            }
                            if (matched) break;
                        }
                    }
                    if (!matched) return false;
                }
                return true;
            };
        }
        return s =>
        {
            if (s.Labels == null || !s.Labels.TryGetValue(wantKey, out var vals)) return false;
            foreach (var rx in rfx)
                foreach (var val in vals)
                    if (rx.IsMatch(val)) return true;
            return false;
        };
    }

    /// <summary>Recognises <c>32kb</c> (equal), <c>:64kb</c> (at most), <c>4mb:</c> (at least) and <c>12kb:64mb</c>
    /// (between, inclusive); null when the text is not a range.</summary>
    internal static Func<long, string, bool>? ParseTagFilterRange(string filter)
    {
        var ranges = s_tagFilterRange.Matches(filter);
        if (ranges.Count == 0) return null;
        if (!long.TryParse(ranges[0].Groups[1].Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long v))
            return null;
        string unit0 = ranges[0].Groups[2].Value;
        var (scaledValue, unit) = Measurement.Scale(v, unit0, unit0);
        if (ranges.Count == 1)
        {
            string match = ranges[0].Value;
            if (filter == match)
                return (val, u) => { var (sv, su) = Measurement.Scale(val, u, unit); return su == unit && sv == scaledValue; };
            if (filter == match + ":")
                return (val, u) => { var (sv, su) = Measurement.Scale(val, u, unit); return su == unit && sv >= scaledValue; };
            if (filter == ":" + match)
                return (val, u) => { var (sv, su) = Measurement.Scale(val, u, unit); return su == unit && sv <= scaledValue; };
            return null;
        }
        if (filter != ranges[0].Value + ":" + ranges[1].Value) return null;
        if (!long.TryParse(ranges[1].Groups[1].Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out v))
            return null;
        var (scaledValue2, unit2) = Measurement.Scale(v, ranges[1].Groups[2].Value, unit);
        if (unit != unit2) return null;
        return (val, u) =>
        {
            var (sv, su) = Measurement.Scale(val, u, unit);
            return su == unit && sv >= scaledValue && sv <= scaledValue2;
        };
    }
}
