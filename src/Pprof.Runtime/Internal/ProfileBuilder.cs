using Pprof.Profiles;

namespace Pprof.Runtime.Internal;

/// <summary>Aggregates samples (stack, labels, values) and builds a <see cref="Profile"/> with one Function per
/// distinct frame name and file, one Location per distinct code address (per function and line for synthetic frames)
/// and one Mapping per code kind (<c>[jit]</c> for jitted code, the module for other code, <c>[dotnet]</c>, always the
/// first, for synthetic frames). Stacks are keyed by array identity:
/// callers pass interned arrays (one per distinct stack), not fresh copies. Not thread-safe: callers lock.</summary>
internal sealed class ProfileBuilder
{
    private readonly ProfileValueType[] _sampleTypes;
    private readonly string _defaultSampleType;
    private readonly ProfileValueType _periodType;
    private readonly long _period;
    private readonly Dictionary<SampleKey, double[]> _samples = new();

    public ProfileBuilder(ProfileValueType[] sampleTypes, string defaultSampleType, ProfileValueType periodType, long period)
    {
        _sampleTypes = sampleTypes;
        _defaultSampleType = defaultSampleType;
        _periodType = periodType;
        _period = period;
    }

    public int SampleCount => _samples.Count;

    /// <summary>Adds <paramref name="values"/> to the sample with this stack (leaf first) and labels.</summary>
    public void Add(Frame[] stack, ReadOnlySpan<double> values, SampleLabels labels)
    {
        var key = new SampleKey(stack, labels);
        if (!_samples.TryGetValue(key, out var acc))
        {
            acc = new double[_sampleTypes.Length];
            _samples.Add(key, acc);
        }
        for (int i = 0; i < acc.Length; i++) acc[i] += values[i];
    }

    public void Clear() => _samples.Clear();

    /// <summary>Builds the profile. <paramref name="start"/> and <paramref name="duration"/> fill the time fields.</summary>
    public Profile Build(DateTime start, TimeSpan duration, IEnumerable<string> comments)
    {
        var p = new Profile
        {
            SampleTypes = _sampleTypes.Select(t => t.Clone()).ToList(),
            DefaultSampleType = _defaultSampleType,
            PeriodType = _periodType.Clone(),
            Period = _period,
            TimeNanos = (start.ToUniversalTime() - DateTime.UnixEpoch).Ticks * 100,
            DurationNanos = Math.Max(0, duration.Ticks * 100),
        };
        p.Comments.AddRange(comments);
        var functions = new Dictionary<(string, string), Function>();
        var locations = new Dictionary<(ulong, Function, long), Location>();
        var byFrame = new Dictionary<Frame, Location>(ReferenceEqualityComparer.Instance);
        var mappings = new Dictionary<string, Mapping>(StringComparer.Ordinal);
        // "[dotnet]" stays the first mapping, as before addresses: pprof names the profile after it (File: [dotnet],
        // pprof.[dotnet].samples.cpu.001.pb.gz), whatever code the first sample ran.
        var first = new Mapping { Id = 1, File = "[dotnet]", HasFunctions = true, HasFilenames = true, HasLineNumbers = true };
        mappings.Add(first.File, first);
        p.Mappings.Add(first);

        Mapping MappingOf(Frame f)
        {
            string file = f.Mapping.Length > 0 ? f.Mapping : "[dotnet]";
            if (!mappings.TryGetValue(file, out var m))
            {
                m = new Mapping { Id = (ulong)p.Mappings.Count + 1, File = file, HasFunctions = true, HasFilenames = true, HasLineNumbers = true };
                mappings.Add(file, m);
                p.Mappings.Add(m);
            }
            if (f.Address != 0)
            {
                // The mapping spans the addresses seen in it (the runtime does not report the code heap's bounds).
                if (m.Start == 0 || f.Address < m.Start) m.Start = f.Address;
                if (f.Address >= m.Limit) m.Limit = f.Address + 1;
            }
            return m;
        }

        // One location per distinct address (pprof's model); synthetic frames (no address) per function and line.
        Location LocationOf(Frame f)
        {
            if (byFrame.TryGetValue(f, out var loc)) return loc;
            if (!functions.TryGetValue((f.Name, f.File), out var fn))
            {
                fn = new Function { Id = (ulong)p.Functions.Count + 1, Name = f.Name, SystemName = f.SystemName, Filename = f.File, StartLine = f.StartLine };
                functions.Add((f.Name, f.File), fn);
                p.Functions.Add(fn);
            }
            if (!locations.TryGetValue((f.Address, fn, f.Line), out loc))
            {
                loc = new Location { Id = (ulong)p.Locations.Count + 1, Mapping = MappingOf(f), Address = f.Address, Lines = new[] { new Line(fn, f.Line) } };
                locations.Add((f.Address, fn, f.Line), loc);
                p.Locations.Add(loc);
            }
            byFrame.Add(f, loc);
            return loc;
        }

        // Merge samples whose stacks became identical after location dedup (frames from different sessions).
        var merged = new Dictionary<(string, SampleLabels), Sample>();
        foreach (var (key, acc) in _samples)
        {
            var locs = new Location[key.Stack.Length];
            for (int i = 0; i < locs.Length; i++) locs[i] = LocationOf(key.Stack[i]);
            string stackKey = string.Join(',', locs.Select(l => l.Id));
            if (merged.TryGetValue((stackKey, key.Labels), out var existing))
            {
                for (int i = 0; i < acc.Length; i++) existing.Values[i] += (long)Math.Round(acc[i]);
                continue;
            }
            var values = new long[acc.Length];
            for (int i = 0; i < acc.Length; i++) values[i] = (long)Math.Round(acc[i]);
            var s = new Sample(locs, values);
            key.Labels.ApplyTo(s);
            merged.Add((stackKey, key.Labels), s);
            p.Samples.Add(s);
        }
        p.Samples.RemoveAll(s => s.Values.All(v => v == 0));
        p.CheckValid();
        return p;
    }

    private readonly struct SampleKey : IEquatable<SampleKey>
    {
        public SampleKey(Frame[] stack, SampleLabels labels)
        {
            Stack = stack;
            Labels = labels;
        }

        public Frame[] Stack { get; }
        public SampleLabels Labels { get; }

        // Stacks are interned by their makers (the resolver, the collectors' caches), so the key compares them by
        // reference: one dictionary probe per event hashes no frames. Equal stacks from different arrays (another
        // session's resolver) become separate entries that Build merges.
        public bool Equals(SampleKey other) => ReferenceEquals(Stack, other.Stack) && Labels.Equals(other.Labels);

        public override bool Equals(object? obj) => obj is SampleKey k && Equals(k);

        public override int GetHashCode()
        {
            var h = new HashCode();
            h.Add(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Stack));
            h.Add(Labels);
            return h.ToHashCode();
        }
    }
}
