using Pprof.Profile;

namespace Pprof.Runtime.Internal;

/// <summary>The labels of one aggregated sample: string labels and numeric labels (with units), in a fixed order
/// so that equal label sets compare equal.</summary>
internal readonly struct SampleLabels : IEquatable<SampleLabels>
{
    private readonly KeyValuePair<string, string>[]? _strings;
    private readonly (string Key, long Value, string Unit)[]? _numbers;

    public SampleLabels(KeyValuePair<string, string>[]? strings, (string Key, long Value, string Unit)[]? numbers = null)
    {
        _strings = strings is { Length: > 0 } ? strings : null;
        _numbers = numbers is { Length: > 0 } ? numbers : null;
    }

    public static SampleLabels None => default;

    public SampleLabels With(string key, string value)
    {
        var list = _strings?.ToList() ?? new List<KeyValuePair<string, string>>();
        list.RemoveAll(kv => kv.Key == key);
        list.Add(new(key, value));
        list.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new SampleLabels(list.ToArray(), _numbers);
    }

    public SampleLabels WithNumber(string key, long value, string unit)
    {
        var list = _numbers?.ToList() ?? new List<(string, long, string)>();
        list.RemoveAll(n => n.Item1 == key);
        list.Add((key, value, unit));
        list.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return new SampleLabels(_strings, list.ToArray());
    }

    public SampleLabels Concat(KeyValuePair<string, string>[]? more)
    {
        if (more is not { Length: > 0 }) return this;
        var r = this;
        foreach (var kv in more) r = r.With(kv.Key, kv.Value);
        return r;
    }

    public void ApplyTo(Sample s)
    {
        if (_strings != null)
        {
            s.Labels = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var kv in _strings) s.Labels[kv.Key] = new[] { kv.Value };
        }
        if (_numbers != null)
        {
            s.NumLabels = new Dictionary<string, long[]>(StringComparer.Ordinal);
            s.NumUnits = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var (k, v, u) in _numbers)
            {
                s.NumLabels[k] = new[] { v };
                s.NumUnits[k] = new[] { u };
            }
        }
    }

    public bool Equals(SampleLabels other) => SeqEq(_strings, other._strings) && SeqEq(_numbers, other._numbers);

    private static bool SeqEq<T>(T[]? a, T[]? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a == null || b == null || a.Length != b.Length) return false;
        var cmp = EqualityComparer<T>.Default;
        for (int i = 0; i < a.Length; i++) if (!cmp.Equals(a[i], b[i])) return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is SampleLabels l && Equals(l);

    public override int GetHashCode()
    {
        var h = new HashCode();
        if (_strings != null) foreach (var kv in _strings) { h.Add(kv.Key); h.Add(kv.Value); }
        if (_numbers != null) foreach (var n in _numbers) h.Add(n);
        return h.ToHashCode();
    }
}
