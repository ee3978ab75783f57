using System.Globalization;
using Pprof.Profiles;

namespace Pprof.Report;

/// <summary>Ranks what grew steadily across three or more heap or retention profiles taken in time order: allocation
/// sites, types and paths, each with its value in every snapshot, its growth from one to the next, the least-squares
/// slope and how well a line fits (R²). A row that grew from every snapshot to the next on a good line is flagged as a
/// leak; a cache that fills and is trimmed (a sawtooth) or holds a bounded number of entries is not.</summary>
public sealed class LeakReport
{
    private LeakReport(string kind, ProfileValueType sampleType, IReadOnlyList<LeakGrouping> groupings, IReadOnlyList<long> totals,
        IReadOnlyList<DateTimeOffset>? times, IReadOnlyList<LeakRow> rows)
    {
        Kind = kind;
        SampleType = sampleType;
        Groupings = groupings;
        Totals = totals;
        Times = times;
        Rows = rows;
    }

    /// <summary><c>retention</c> (the profiles have <c>retained_space</c>: stacks are retention paths, leaf frame the
    /// object's type) or <c>heap</c> (stacks are allocation stacks).</summary>
    public string Kind { get; }

    /// <summary>The sample type the rows are ranked by.</summary>
    public ProfileValueType SampleType { get; }

    /// <summary>The groupings that apply to these profiles, in the order the report shows them: <see
    /// cref="LeakGrouping.Type"/> and <see cref="LeakGrouping.Path"/> for retention profiles; <see
    /// cref="LeakGrouping.Site"/>, <see cref="LeakGrouping.Type"/> (when samples carry a <c>type</c> label) and <see
    /// cref="LeakGrouping.Path"/> for heap profiles.</summary>
    public IReadOnlyList<LeakGrouping> Groupings { get; }

    /// <summary>The total of <see cref="SampleType"/> in each snapshot.</summary>
    public IReadOnlyList<long> Totals { get; }

    /// <summary>When each snapshot was taken (the profiles' <c>time_nanos</c>; for windows that all start at one time,
    /// their ends), or null when a profile has no time or the times do not increase.</summary>
    public IReadOnlyList<DateTimeOffset>? Times { get; }

    /// <summary>Every row, grouped by <see cref="Groupings"/> in that order and ranked within a grouping: leaks first,
    /// then by slope, largest first.</summary>
    public IReadOnlyList<LeakRow> Rows { get; }

    /// <summary>The ranked rows of one grouping.</summary>
    public IEnumerable<LeakRow> RowsBy(LeakGrouping grouping) => Rows.Where(r => r.Grouping == grouping);

    /// <summary>Analyses <paramref name="snapshots"/> (three or more profiles of one kind, oldest first). Throws <see
    /// cref="ReportException"/> with one line when there are fewer than three, when their sample types differ or when
    /// <see cref="LeakReportOptions.SampleIndex"/> names no sample type.</summary>
    public static LeakReport Analyze(IReadOnlyList<Profile> snapshots, LeakReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        options ??= new LeakReportOptions();
        if (snapshots.Count < 3)
            throw new ReportException($"a leak report needs three or more profiles in time order, got {snapshots.Count}");
        var first = snapshots[0];
        string types = Describe(first);
        for (int i = 1; i < snapshots.Count; i++)
        {
            string other = Describe(snapshots[i]);
            if (other != types)
                throw new ReportException($"profile {i + 1} has sample types [{other}] but profile 1 has [{types}]: give profiles of one kind");
        }
        if (first.SampleTypes.Count == 0) throw new ReportException("the profiles have no sample types");
        int index = SampleIndex(first, options.SampleIndex);
        bool retention = first.SampleTypes.Any(t => t.Type == "retained_space");
        bool typed = !retention && snapshots.Any(p => p.Samples.Any(s => s.Labels?.ContainsKey("type") == true));
        var groupings = retention
            ? new[] { LeakGrouping.Type, LeakGrouping.Path }
            : typed ? new[] { LeakGrouping.Site, LeakGrouping.Type, LeakGrouping.Path } : new[] { LeakGrouping.Site, LeakGrouping.Path };

        int n = snapshots.Count;
        var rows = new Dictionary<(LeakGrouping, string), long[]>();
        var totals = new long[n];
        var names = new Dictionary<Location, (string Leaf, string Site, string[] Frames)>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < n; i++)
        {
            names.Clear();
            foreach (var s in snapshots[i].Samples)
            {
                if (index >= s.Values.Length) continue;
                long v = s.Values[index];
                if (v == 0) continue;
                totals[i] += v;
                foreach (var g in groupings)
                {
                    string? name = g switch
                    {
                        LeakGrouping.Type => retention ? Leaf(s, names) : s.Labels != null && s.Labels.TryGetValue("type", out var t) && t.Length > 0 ? t[0] : null,
                        LeakGrouping.Site => Site(s, names),
                        _ => PathOf(s, names),
                    };
                    if (name == null) continue;
                    if (!rows.TryGetValue((g, name), out var values)) rows.Add((g, name), values = new long[n]);
                    values[i] += v;
                }
            }
        }

        double threshold = options.MinGrowthFraction * totals.Max();
        var times = TimesOf(snapshots);
        var result = new List<LeakRow>(rows.Count);
        foreach (var g in groupings)
        {
            var ranked = new List<LeakRow>();
            foreach (var ((grouping, name), values) in rows)
            {
                if (grouping != g) continue;
                var (slope, fit) = Fit(values);
                bool grewEveryTime = true;
                for (int i = 1; i < n; i++) grewEveryTime &= values[i] > values[i - 1];
                bool leak = grewEveryTime && fit >= options.MinFit && values[n - 1] - values[0] >= threshold;
                ranked.Add(new LeakRow(g, name, values, slope, fit, PerSecond(times, values), leak));
            }
            ranked.Sort((a, b) => a.IsLeak != b.IsLeak ? (a.IsLeak ? -1 : 1)
                : b.Slope.CompareTo(a.Slope) is var c && c != 0 ? c : string.CompareOrdinal(a.Name, b.Name));
            result.AddRange(ranked);
        }
        return new LeakReport(retention ? "retention" : "heap", first.SampleTypes[index].Clone(), groupings, totals, times, result);
    }

    /// <summary>The least-squares line through (i, values[i]): its slope and R² (0 when the values are all equal).</summary>
    internal static (double Slope, double Fit) Fit(IReadOnlyList<long> values)
    {
        int n = values.Count;
        double meanX = (n - 1) / 2.0, meanY = 0;
        for (int i = 0; i < n; i++) meanY += values[i];
        meanY /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = i - meanX, dy = values[i] - meanY;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0) return (0, 0);
        double slope = sxy / sxx;
        // R² of a simple linear regression: the squared correlation of x and y.
        double fit = syy == 0 ? 0 : sxy * sxy / (sxx * syy);
        return (slope, fit);
    }

    private static double? PerSecond(DateTimeOffset[]? times, long[] values) =>
        times == null ? null : (values[^1] - values[0]) / (times[^1] - times[0]).TotalSeconds;

    private static DateTimeOffset[]? TimesOf(IReadOnlyList<Profile> snapshots)
    {
        var t = Nanos(snapshots);
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] <= 0 || (i > 0 && t[i] <= t[i - 1])) return null;
        }
        return t.Select(n => DateTimeOffset.UnixEpoch.AddTicks(n / 100)).ToArray();
    }

    /// <summary>When each snapshot was taken: its start (<c>time_nanos</c>); for windows that all start at one time
    /// (heap profiles of growing durations, as <c>dotnet-pprof leaks -kind heap</c> takes them), their ends.</summary>
    private static long[] Nanos(IReadOnlyList<Profile> snapshots)
    {
        bool sameStart = snapshots.All(p => p.TimeNanos == snapshots[0].TimeNanos);
        return snapshots.Select(p => sameStart ? p.TimeNanos + p.DurationNanos : p.TimeNanos).ToArray();
    }

    private static string Describe(Profile p) => string.Join(" ", p.SampleTypes.Select(t => t.Type + "/" + t.Unit));

    private static int SampleIndex(Profile p, string? wanted)
    {
        var types = p.SampleTypes;
        if (string.IsNullOrEmpty(wanted))
        {
            int inuse = types.FindIndex(t => t.Type == "inuse_space");
            if (inuse >= 0) return inuse;
            int def = p.DefaultSampleType.Length > 0 ? types.FindIndex(t => t.Type == p.DefaultSampleType) : -1;
            return def >= 0 ? def : types.Count - 1;
        }
        if (int.TryParse(wanted, NumberStyles.None, CultureInfo.InvariantCulture, out int i))
        {
            if (i < types.Count) return i;
            throw new ReportException($"sample_index {wanted} is outside the range [0..{types.Count - 1}]");
        }
        int named = types.FindIndex(t => t.Type == wanted);
        if (named >= 0) return named;
        throw new ReportException($"sample_index \"{wanted}\" is not a sample type of these profiles (valid: {string.Join(", ", types.Select(t => t.Type))})");
    }

    private static (string Leaf, string Site, string[] Frames) Names(Location loc, Dictionary<Location, (string, string, string[])> cache)
    {
        if (cache.TryGetValue(loc, out var known)) return known;
        var frames = loc.Lines.Select(l => l.Function?.Name is { Length: > 0 } f ? f : FormattableString.Invariant($"0x{loc.Address:x}")).ToArray();
        if (frames.Length == 0) frames = new[] { FormattableString.Invariant($"0x{loc.Address:x}") };
        string site = "";
        foreach (var line in loc.Lines)
        {
            if (line.Function is not { } fn || IsRuntime(fn.Name)) continue;
            site = line.LineNumber > 0 && fn.Filename.Length > 0
                ? FormattableString.Invariant($"{fn.Name} {System.IO.Path.GetFileName(fn.Filename)}:{line.LineNumber}")
                : line.LineNumber > 0 ? FormattableString.Invariant($"{fn.Name}:{line.LineNumber}") : fn.Name;
            break;
        }
        var names = (frames[0], site, frames);
        cache.Add(loc, names);
        return names;
    }

    private static string? Leaf(Sample s, Dictionary<Location, (string, string, string[])> cache) =>
        s.Locations.Length == 0 ? null : Names(s.Locations[0], cache).Leaf;

    /// <summary>The leaf-most frame outside the runtime (the leaf when every frame is the runtime's).</summary>
    private static string? Site(Sample s, Dictionary<Location, (string, string, string[])> cache)
    {
        foreach (var loc in s.Locations)
        {
            string site = Names(loc, cache).Site;
            if (site.Length > 0) return site;
        }
        return Leaf(s, cache);
    }

    private static string? PathOf(Sample s, Dictionary<Location, (string, string, string[])> cache)
    {
        if (s.Locations.Length == 0) return null;
        var frames = new List<string>();
        for (int i = s.Locations.Length - 1; i >= 0; i--)
        {
            var f = Names(s.Locations[i], cache).Frames;
            for (int j = f.Length - 1; j >= 0; j--) frames.Add(f[j]);
        }
        return string.Join(" → ", frames);
    }

    /// <summary>Whether a function belongs to the runtime or the framework, by namespace.</summary>
    private static bool IsRuntime(string name) =>
        name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.", StringComparison.Ordinal)
        || name.StartsWith("Internal.", StringComparison.Ordinal) || name.StartsWith("Interop", StringComparison.Ordinal);
}
