namespace Pprof.Profiles;

/// <summary>One sample: a call stack (leaf first), one value per sample type, and labels.</summary>
public sealed class Sample
{
    /// <summary>Creates a sample.</summary>
    public Sample(Location[] locations, long[] values)
    {
        Locations = locations;
        Values = values;
    }

    /// <summary>The call stack, leaf first.</summary>
    public Location[] Locations { get; set; }

    /// <summary>One value per <see cref="Profile.SampleTypes"/> entry.</summary>
    public long[] Values { get; set; }

    // Most samples of a large profile carry no labels: the three label maps live in one object allocated only for
    // samples that have some, which keeps a sample at three references.
    private LabelSets? _labels;

    private sealed class LabelSets
    {
        public Dictionary<string, string[]>? Labels;
        public Dictionary<string, long[]>? NumLabels;
        public Dictionary<string, string[]>? NumUnits;
    }

    /// <summary>String labels (key to values); null when there are none.</summary>
    public Dictionary<string, string[]>? Labels
    {
        get => _labels?.Labels;
        set
        {
            if (value != null || _labels != null) (_labels ??= new LabelSets()).Labels = value;
        }
    }

    /// <summary>Numeric labels (key to values); null when there are none.</summary>
    public Dictionary<string, long[]>? NumLabels
    {
        get => _labels?.NumLabels;
        set
        {
            if (value != null || _labels != null) (_labels ??= new LabelSets()).NumLabels = value;
        }
    }

    /// <summary>Units of the numeric labels, parallel to <see cref="NumLabels"/>; null when none were given.</summary>
    public Dictionary<string, string[]>? NumUnits
    {
        get => _labels?.NumUnits;
        set
        {
            if (value != null || _labels != null) (_labels ??= new LabelSets()).NumUnits = value;
        }
    }

    /// <summary>Returns a copy of the sample that shares locations.</summary>
    public Sample Clone()
    {
        var s = new Sample((Location[])Locations.Clone(), (long[])Values.Clone());
        if (Labels != null)
        {
            s.Labels = new Dictionary<string, string[]>(Labels.Count, StringComparer.Ordinal);
            foreach (var kv in Labels) s.Labels[kv.Key] = (string[])kv.Value.Clone();
        }
        if (NumLabels != null)
        {
            s.NumLabels = new Dictionary<string, long[]>(NumLabels.Count, StringComparer.Ordinal);
            foreach (var kv in NumLabels) s.NumLabels[kv.Key] = (long[])kv.Value.Clone();
        }
        if (NumUnits != null)
        {
            s.NumUnits = new Dictionary<string, string[]>(NumUnits.Count, StringComparer.Ordinal);
            foreach (var kv in NumUnits) s.NumUnits[kv.Key] = (string[])kv.Value.Clone();
        }
        return s;
    }

    /// <summary>True when the sample has string label <paramref name="key"/> with value <paramref name="value"/>.</summary>
    public bool HasLabel(string key, string value)
    {
        if (Labels == null || !Labels.TryGetValue(key, out var vs)) return false;
        foreach (var v in vs) if (v == value) return true;
        return false;
    }

    /// <summary>True when the sample belongs to the base of a <c>-diff_base</c> comparison (label <c>pprof::base</c> = <c>true</c>).</summary>
    public bool DiffBaseSample() => HasLabel("pprof::base", "true");

    /// <summary>Sets string label <paramref name="key"/> to <paramref name="values"/>.</summary>
    public void SetLabel(string key, params string[] values)
    {
        Labels ??= new Dictionary<string, string[]>(StringComparer.Ordinal);
        Labels[key] = values;
    }

    /// <summary>Removes string label <paramref name="key"/>.</summary>
    public void DeleteLabel(string key)
    {
        if (Labels == null) return;
        Labels.Remove(key);
        if (Labels.Count == 0) Labels = null;
    }
}
