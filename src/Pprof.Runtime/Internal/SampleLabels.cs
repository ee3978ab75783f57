using Pprof.Profiles;

namespace Pprof.Runtime.Internal;

/// <summary>The labels of one aggregated sample: string labels and numeric labels (with units), in a fixed order
/// so that equal label sets compare equal.</summary>
internal readonly struct SampleLabels : IEquatable<SampleLabels>
{
    private readonly KeyValuePair<string, string>[]? _strings;
    private readonly (string Key, long Value, string Unit)[]? _numbers;
    private readonly int _hash;

    public SampleLabels(KeyValuePair<string, string>[]? strings, (string Key, long Value, string Unit)[]? numbers = null)
    {
        _strings = strings is { Length: > 0 } ? strings : null;
        _numbers = numbers is { Length: > 0 } ? numbers : null;
        // Label sets are made once and looked up per event: the hash is computed here, once. (None hashes to 0.)
        if (_strings == null && _numbers == null) return;
        var h = new HashCode();
        if (_strings != null) foreach (var kv in _strings) { h.Add(kv.Key); h.Add(kv.Value); }
        if (_numbers != null) foreach (var n in _numbers) h.Add(n);
        _hash = h.ToHashCode();
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
        var old = _numbers ?? Array.Empty<(string, long, string)>();
        int same = Array.FindIndex(old, n => n.Key == key);
        if (same >= 0)
        {
            var copy = ((string, long, string)[])old.Clone();
            copy[same] = (key, value, unit);
            return new SampleLabels(_strings, copy);
        }
        var numbers = new (string Key, long Value, string Unit)[old.Length + 1];
        int at = 0;
        while (at < old.Length && string.CompareOrdinal(old[at].Key, key) < 0) at++;
        Array.Copy(old, numbers, at);
        numbers[at] = (key, value, unit);
        Array.Copy(old, at, numbers, at + 1, old.Length - at);
        return new SampleLabels(_strings, numbers);
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

    public bool Equals(SampleLabels other)
    {
        if (_hash != other._hash) return false;
        if (!ReferenceEquals(_strings, other._strings))
        {
            if (_strings == null || other._strings == null || _strings.Length != other._strings.Length) return false;
            for (int i = 0; i < _strings.Length; i++)
            {
                if (!string.Equals(_strings[i].Key, other._strings[i].Key, StringComparison.Ordinal)
                    || !string.Equals(_strings[i].Value, other._strings[i].Value, StringComparison.Ordinal)) return false;
            }
        }
        if (!ReferenceEquals(_numbers, other._numbers))
        {
            if (_numbers == null || other._numbers == null || _numbers.Length != other._numbers.Length) return false;
            for (int i = 0; i < _numbers.Length; i++)
            {
                var (a, b) = (_numbers[i], other._numbers[i]);
                if (a.Value != b.Value || !string.Equals(a.Key, b.Key, StringComparison.Ordinal) || !string.Equals(a.Unit, b.Unit, StringComparison.Ordinal)) return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is SampleLabels l && Equals(l);

    public override int GetHashCode() => _hash;
}
