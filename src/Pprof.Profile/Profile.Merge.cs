using Pprof.Profiles.Ops;

namespace Pprof.Profiles;

public sealed partial class Profile
{
    /// <summary>Merges profiles into a new, independent profile, as pprof's <c>profile.Merge</c> does. Samples with
    /// the same stack and labels are added together; identical locations, functions and mappings (mappings compared by
    /// rounded size, offset and build id or file, so address-space randomisation does not matter) are folded; samples
    /// whose values are all zero are dropped, and so is anything no remaining sample refers to. Ids are renumbered
    /// from 1 in order of first use, and the first source's first mapping stays first.
    /// The header combines the sources: comments (each once, in order), the earliest time, the summed duration, the
    /// largest period, the first non-empty default sample type, and the first source's drop/keep frames.</summary>
    /// <exception cref="ProfileFormatException">No sources, or sources with different sample or period types.</exception>
    public static Profile Merge(IReadOnlyList<Profile> sources) => MergeCore(sources, consume: false);

    /// <summary><see cref="Merge(IReadOnlyList{Profile})"/> for callers that discard the sources afterwards (the
    /// command line's fetch): the sources' samples and value arrays are reused in the result rather than copied, so a
    /// large profile is not held twice. The sources are left unusable and must not share samples.</summary>
    /// <exception cref="ProfileFormatException">No sources, or sources with different sample or period types.</exception>
    public static Profile MergeConsuming(IReadOnlyList<Profile> sources) => MergeCore(sources, consume: true);

    private static Profile MergeCore(IReadOnlyList<Profile> sources, bool consume)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0) throw new ProfileFormatException("no profiles to merge");
        var p = CombineHeaders(sources);
        var merger = new ProfileMerger(p, sources, consume);
        if (!(consume && sources.Count == 1 && merger.TryAddInParallel(sources[0])))
        {
            foreach (var src in sources) merger.Add(src);
        }

        foreach (var s in p.Samples)
        {
            // Values that cancelled out (a profile minus its base) leave zero samples: merge again to drop them and
            // everything only they referred to.
            if (ProfileMerger.IsZero(s.Values)) return MergeCore(new[] { p }, consume: true);
        }
        // The sample list was sized for the case where nothing merges.
        if (p.Samples.Count < p.Samples.Capacity / 2) p.Samples.TrimExcess();
        return p;
    }

    /// <summary>Returns a compacted copy: the merge of this profile alone, which folds duplicate samples, locations,
    /// functions and mappings, drops zero samples and removes whatever no sample refers to.</summary>
    public Profile Compact() => Merge(new[] { this });

    /// <summary>Scales this profile so that, for every sample type, its total equals the total of
    /// <paramref name="baseProfile"/> (pprof's <c>-normalize</c>). A type whose total is zero here is scaled by zero.</summary>
    /// <exception cref="ProfileFormatException">The profiles have different sample or period types.</exception>
    public void Normalize(Profile baseProfile)
    {
        ArgumentNullException.ThrowIfNull(baseProfile);
        CheckCompatible(baseProfile);
        int n = SampleTypes.Count;
        var baseTotals = new long[n];
        foreach (var s in baseProfile.Samples)
        {
            for (int i = 0; i < s.Values.Length && i < n; i++) baseTotals[i] += s.Values[i];
        }
        var totals = new long[n];
        foreach (var s in Samples)
        {
            for (int i = 0; i < s.Values.Length && i < n; i++) totals[i] += s.Values[i];
        }
        var ratios = new double[n];
        for (int i = 0; i < n; i++) ratios[i] = totals[i] == 0 ? 0.0 : (double)baseTotals[i] / totals[i];
        ScaleN(ratios);
    }

    /// <summary>Throws unless <paramref name="other"/> has the same period type and sample types (type and unit) as this profile.</summary>
    internal void CheckCompatible(Profile other)
    {
        if (!SameValueType(PeriodType, other.PeriodType))
            throw new ProfileFormatException($"incompatible period types {Describe(PeriodType, "&")} and {Describe(other.PeriodType, "&")}");
        bool same = SampleTypes.Count == other.SampleTypes.Count;
        for (int i = 0; same && i < SampleTypes.Count; i++) same = SameValueType(SampleTypes[i], other.SampleTypes[i]);
        if (!same) throw new ProfileFormatException($"incompatible sample types {Describe(SampleTypes)} and {Describe(other.SampleTypes)}");
    }

    private static bool SameValueType(ProfileValueType? a, ProfileValueType? b) =>
        a == null || b == null ? a == null && b == null : a.Type == b.Type && a.Unit == b.Unit;

    // pprof prints value types with Go's %v: "&{cpu nanoseconds 0 0}" (the zeros are its internal string indexes).
    private static string Describe(ProfileValueType? t, string prefix = "") => t == null ? "<nil>" : $"{prefix}{{{t.Type} {t.Unit} 0 0}}";

    private static string Describe(List<ProfileValueType> types) => "[" + string.Join(" ", types.Select(t => Describe(t))) + "]";

    private static Profile CombineHeaders(IReadOnlyList<Profile> sources)
    {
        var first = sources[0];
        for (int i = 1; i < sources.Count; i++) first.CheckCompatible(sources[i]);

        long timeNanos = 0, durationNanos = 0, period = 0;
        var comments = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string defaultSampleType = "", docUrl = "";
        foreach (var s in sources)
        {
            if (timeNanos == 0 || s.TimeNanos < timeNanos) timeNanos = s.TimeNanos;
            durationNanos += s.DurationNanos;
            if (period == 0 || period < s.Period) period = s.Period;
            foreach (var c in s.Comments)
            {
                if (seen.Add(c)) comments.Add(c);
            }
            if (defaultSampleType.Length == 0) defaultSampleType = s.DefaultSampleType;
            if (docUrl.Length == 0) docUrl = s.DocUrl;
        }

        var p = new Profile
        {
            DropFrames = first.DropFrames,
            KeepFrames = first.KeepFrames,
            TimeNanos = timeNanos,
            DurationNanos = durationNanos,
            PeriodType = first.PeriodType?.Clone(),
            Period = period,
            Comments = comments,
            DefaultSampleType = defaultSampleType,
            DocUrl = docUrl,
        };
        p.SampleTypes = new List<ProfileValueType>(first.SampleTypes.Count);
        foreach (var t in first.SampleTypes) p.SampleTypes.Add(t.Clone());
        return p;
    }
}
