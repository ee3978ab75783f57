using System.Runtime.CompilerServices;

namespace Pprof.Profiles.Ops;

/// <summary>Builds the merged profile for <see cref="Profile.Merge"/>: maps every source sample, location, function and
/// mapping to a canonical one in the destination, folding together the ones pprof considers identical.</summary>
/// <remarks>Identity follows pprof: a mapping by its rounded size, offset and build id (or file); a function by name,
/// system name, file and start line; a location by its address relative to its mapping, its mapping, its lines and
/// whether it is folded; a sample by its stack and labels. Ids are assigned in order of first use, starting at 1.</remarks>
internal sealed class ProfileMerger
{
    private readonly Profile _p;

    // Per source profile: source id to destination entity.
    private IdMap<MappedLocation> _locationsById = new(0, 0);
    private readonly Dictionary<ulong, Function> _functionsById = new();
    private readonly Dictionary<ulong, MappingInfo> _mappingsById = new();

    // Whole merge: identity to destination entity.
    private readonly SampleTable _samples;
    private readonly Dictionary<Location, Location> _locations;
    private readonly Dictionary<FunctionKey, Function> _functions;
    private readonly Dictionary<MappingKey, Mapping> _mappings;

    private Location[] _stack = new Location[64];

    // When set, the sources are not used again: their samples (and value arrays) become the destination's samples
    // instead of being copied, which saves an allocation per sample and keeps only one copy of the samples alive.
    private readonly bool _consume;

    /// <param name="destination">The merged profile being built (header already combined).</param>
    /// <param name="sources">The profiles to merge.</param>
    /// <param name="consume">True when the sources are discarded after the merge, so their samples may be reused.
    /// The sources must then not share <see cref="Sample"/> objects with each other or within one sample list.</param>
    public ProfileMerger(Profile destination, IReadOnlyList<Profile> sources, bool consume = false)
    {
        _p = destination;
        _consume = consume;
        var first = sources[0];
        // Sized for the worst case (no two samples merge) so that the large tables are never regrown.
        int samples = 0;
        foreach (var src in sources) samples = (int)Math.Min((long)samples + src.Samples.Count, Array.MaxLength / 2);
        destination.Samples.Capacity = samples;
        _samples = new SampleTable(destination.Samples, samples);
        _locations = new Dictionary<Location, Location>(first.Locations.Count, LocationIdentity.Instance);
        _functions = new Dictionary<FunctionKey, Function>(first.Functions.Count);
        _mappings = new Dictionary<MappingKey, Mapping>(first.Mappings.Count);
    }

    /// <summary>Maps every non-zero sample of <paramref name="src"/> into the destination.</summary>
    public void Add(Profile src)
    {
        _locationsById = IdMap<MappedLocation>.ForLocations(src.Locations);
        _functionsById.Clear();
        _mappingsById.Clear();

        // The first mapping is the main binary: make sure it stays first.
        if (_p.Mappings.Count == 0 && src.Mappings.Count > 0) MapMapping(src.Mappings[0]);

        foreach (var s in src.Samples)
        {
            if (!IsZero(s.Values)) MapSample(s);
        }
    }

    /// <summary>Below this many samples a source is merged on one thread.</summary>
    private const int ParallelMinSamples = 100_000;

    /// <summary>Maps a consumed source's samples as <see cref="Add"/> does, with the per-frame work on several threads:
    /// the first use of each location and each sample's hash are found on contiguous slices of the samples at once,
    /// the locations are then mapped in order of first use (so every id is the one <see cref="Add"/> gives), and the
    /// samples are entered in their order. When no two used locations fold together, the source's own location objects
    /// become the destination's (their fields are set to the mapped ones) and no stack is rewritten. Returns false,
    /// having done nothing, when this does not apply: a small source, one core, location ids too sparse for a flat
    /// table, or a merger that is not consuming or already holds samples.</summary>
    public bool TryAddInParallel(Profile src)
    {
        if (!_consume || _p.Samples.Count != 0 || _p.Locations.Count != 0 || src.Samples.Count < ParallelMinSamples || Environment.ProcessorCount < 2) return false;
        ulong maxId = 0;
        foreach (var l in src.Locations) if (l.Id > maxId) maxId = l.Id;
        if (maxId > (ulong)src.Locations.Count * 4 + 1024 || maxId >= 1 << 26) return false;
        var byId = new Location?[maxId + 1];
        foreach (var l in src.Locations) byId[l.Id] = l;

        var samples = src.Samples;
        int count = samples.Count;
        int slices = Math.Min(Environment.ProcessorCount, 8);
        var hashes = new int[count];
        var zero = new bool[count];
        var firstUse = new List<int>[slices];
        int unknown = 0, foreign = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = slices };
        // Pass 1 (changes nothing): zero samples, each slice's location ids in order of first use, and hashes over the
        // source ids.
        Parallel.For(0, slices, options, part =>
        {
            var seen = new bool[byId.Length];
            var order = new List<int>();
            int from = (int)((long)count * part / slices), to = (int)((long)count * (part + 1) / slices);
            for (int i = from; i < to; i++)
            {
                var s = samples[i];
                if (IsZero(s.Values))
                {
                    zero[i] = true;
                    continue;
                }
                var locs = s.Locations;
                ulong h = (ulong)locs.Length * 0x9E3779B97F4A7C15UL;
                foreach (var loc in locs)
                {
                    ulong id = loc.Id;
                    if (id >= (ulong)byId.Length || byId[id] == null)
                    {
                        // Not a location of the profile: left to the one-thread merge, which maps it by its object.
                        Volatile.Write(ref unknown, 1);
                        return;
                    }
                    // Another object with a location's id is mapped by the id, as Add does, but its stack must be
                    // rewritten.
                    if (!ReferenceEquals(byId[id], loc)) foreign = 1;
                    if (!seen[id])
                    {
                        seen[id] = true;
                        order.Add((int)id);
                    }
                    h = (h ^ id) * 0x100000001B3UL;
                }
                hashes[i] = (int)(h ^ (h >> 29)) ^ LabelHash(s);
            }
            firstUse[part] = order;
        });
        if (Volatile.Read(ref unknown) != 0) return false;

        _locationsById = IdMap<MappedLocation>.ForLocations(src.Locations);
        _functionsById.Clear();
        _mappingsById.Clear();
        if (_p.Mappings.Count == 0 && src.Mappings.Count > 0) MapMapping(src.Mappings[0]);

        // The locations, mapped in order of first use over the whole sample list: the order Add maps them in.
        var mappedOrder = new List<int>();
        var done = new bool[byId.Length];
        bool injective = Volatile.Read(ref foreign) == 0;
        foreach (var order in firstUse)
        {
            foreach (int id in order)
            {
                if (done[id]) continue;
                done[id] = true;
                int before = _p.Locations.Count;
                MapLocation(byId[id]!);
                if (_p.Locations.Count == before) injective = false;
                mappedOrder.Add(id);
            }
        }

        var mappedById = _locationsById;
        if (injective)
        {
            // Each used source location has a destination location of its own: the source object takes its fields
            // and its place, so the stacks already name destination locations and the hashes stay valid (equal
            // source stacks are exactly the equal destination stacks).
            foreach (int id in mappedOrder)
            {
                var srcLoc = byId[id]!;
                var dst = mappedById.GetOrDefault((ulong)id).Location!;
                srcLoc.Id = dst.Id;
                srcLoc.Mapping = dst.Mapping;
                srcLoc.Address = dst.Address;
                srcLoc.Lines = dst.Lines;
                _p.Locations[(int)dst.Id - 1] = srcLoc;
            }
        }
        else
        {
            // Some locations fold together: rewrite every stack to destination locations and hash those.
            Parallel.For(0, slices, options, part =>
            {
                int from = (int)((long)count * part / slices), to = (int)((long)count * (part + 1) / slices);
                for (int i = from; i < to; i++)
                {
                    if (zero[i]) continue;
                    var s = samples[i];
                    var locs = s.Locations;
                    ulong h = (ulong)locs.Length * 0x9E3779B97F4A7C15UL;
                    for (int j = 0; j < locs.Length; j++)
                    {
                        var mapped = mappedById.GetOrDefault(locs[j].Id);
                        locs[j] = mapped.Location!;
                        h = (h ^ mapped.Id) * 0x100000001B3UL;
                    }
                    hashes[i] = (int)(h ^ (h >> 29)) ^ LabelHash(s);
                }
            });
        }

        // Pass 2: enter the samples in their order, as MapSample does.
        for (int i = 0; i < count; i++)
        {
            if (zero[i]) continue;
            var s = samples[i];
            var stack = s.Locations;
            int hash = hashes[i];
            var existing = _samples.Find(hash, stack, stack.Length, s);
            if (existing != null)
            {
                AddValues(existing.Values, s.Values);
                continue;
            }
            ReuseLabels(s);
            _samples.Add(hash, s);
        }
        return true;
    }

    /// <summary>Adds a merged sample's values to those of the sample it merges into.</summary>
    private static void AddValues(long[] dst, long[] add)
    {
        int m = Math.Min(dst.Length, add.Length);
        for (int i = 0; i < m; i++) dst[i] += add[i];
    }

    internal static bool IsZero(long[] values)
    {
        foreach (long v in values) if (v != 0) return false;
        return true;
    }

    private void MapSample(Sample src)
    {
        var srcLocs = src.Locations;
        int n = srcLocs.Length;
        if (!_consume && _stack.Length < n) _stack = new Location[Math.Max(n, _stack.Length * 2)];
        // A consumed source's stack is rewritten in place (each frame is read before it is replaced).
        var stack = _consume ? srcLocs : _stack;
        var byId = _locationsById;
        ulong h = (ulong)n * 0x9E3779B97F4A7C15UL;
        for (int i = 0; i < n; i++)
        {
            var srcLoc = srcLocs[i];
            var mapped = byId.GetOrDefault(srcLoc.Id);
            if (mapped.Location == null) mapped = MapLocation(srcLoc);
            stack[i] = mapped.Location!;
            h = (h ^ mapped.Id) * 0x100000001B3UL;
        }
        int hash = (int)(h ^ (h >> 29)) ^ LabelHash(src);

        var existing = _samples.Find(hash, stack, n, src);
        if (existing != null)
        {
            AddValues(existing.Values, src.Values);
            return;
        }

        Sample s;
        if (_consume)
        {
            // Reuse the source sample: its stack already names destination locations, its values become the sums.
            s = src;
            ReuseLabels(s);
        }
        else
        {
            s = new Sample(stack.AsSpan(0, n).ToArray(), (long[])src.Values.Clone());
            CopyLabels(src, s);
        }
        _samples.Add(hash, s);
    }

    /// <summary>Copies the labels of <paramref name="src"/> to <paramref name="dst"/>, leaving out empty label sets and
    /// unit lists that are empty or belong to no numeric label.</summary>
    private static void CopyLabels(Sample src, Sample dst)
    {
        if (src.Labels is { Count: > 0 } labels)
        {
            dst.Labels = new Dictionary<string, string[]>(labels.Count, StringComparer.Ordinal);
            foreach (var kv in labels) dst.Labels[kv.Key] = (string[])kv.Value.Clone();
        }
        if (src.NumLabels is { Count: > 0 } numLabels)
        {
            dst.NumLabels = new Dictionary<string, long[]>(numLabels.Count, StringComparer.Ordinal);
            foreach (var kv in numLabels)
            {
                dst.NumLabels[kv.Key] = (long[])kv.Value.Clone();
                if (src.NumUnits != null && src.NumUnits.TryGetValue(kv.Key, out var units) && units.Length > 0)
                {
                    dst.NumUnits ??= new Dictionary<string, string[]>(numLabels.Count, StringComparer.Ordinal);
                    dst.NumUnits[kv.Key] = (string[])units.Clone();
                }
            }
        }
    }

    /// <summary>Brings a reused source sample's labels to the form <see cref="CopyLabels"/> produces.</summary>
    private static void ReuseLabels(Sample s)
    {
        if (s.Labels is { Count: 0 }) s.Labels = null;
        if (s.NumLabels == null && s.NumUnits == null) return;
        var src = new Sample(s.Locations, s.Values) { Labels = s.Labels, NumLabels = s.NumLabels, NumUnits = s.NumUnits };
        s.NumLabels = null;
        s.NumUnits = null;
        var labels = s.Labels;
        CopyLabels(src, s);
        s.Labels = labels;
    }

    private static int LabelHash(Sample s)
    {
        int h = 0;
        if (s.Labels is { Count: > 0 } labels)
        {
            foreach (var kv in labels)
            {
                int e = kv.Key.GetHashCode();
                foreach (var v in kv.Value) e = (e * 31) ^ (v?.GetHashCode() ?? 0);
                h += e * 17 + kv.Value.Length;
            }
        }
        if (s.NumLabels is { Count: > 0 } numLabels)
        {
            foreach (var kv in numLabels)
            {
                int e = kv.Key.GetHashCode() ^ 0x5bd1e995;
                foreach (long v in kv.Value) e = (e * 31) ^ v.GetHashCode();
                h += e * 13 + kv.Value.Length;
            }
        }
        return h;
    }

    private MappedLocation MapLocation(Location src)
    {
        var known = _locationsById.GetOrDefault(src.Id);
        if (known.Location != null) return known;

        var mi = MapMapping(src.Mapping);
        var srcLines = src.Lines;
        var lines = srcLines.Length == 0 ? Array.Empty<Line>() : new Line[srcLines.Length];
        for (int i = 0; i < srcLines.Length; i++)
        {
            lines[i] = new Line(MapFunction(srcLines[i].Function), srcLines[i].LineNumber, srcLines[i].Column);
        }
        var l = new Location
        {
            Id = (ulong)_p.Locations.Count + 1,
            Mapping = mi.Mapping,
            Address = unchecked((ulong)((long)src.Address + mi.Offset)),
            Lines = lines,
            IsFolded = src.IsFolded,
        };
        if (!_locations.TryGetValue(l, out var same))
        {
            same = l;
            _locations.Add(l, l);
            _p.Locations.Add(l);
        }
        var mapped = new MappedLocation(same, same.Id);
        _locationsById.Set(src.Id, mapped);
        return mapped;
    }

    private MappingInfo MapMapping(Mapping? src)
    {
        if (src == null) return default;
        if (_mappingsById.TryGetValue(src.Id, out var known)) return known;

        var key = MappingKey.Of(src);
        MappingInfo mi;
        if (_mappings.TryGetValue(key, out var m))
        {
            mi = new MappingInfo(m, unchecked((long)m.Start - (long)src.Start));
            _mappingsById[src.Id] = mi;
            return mi;
        }
        m = src.Clone();
        m.Id = (ulong)_p.Mappings.Count + 1;
        _p.Mappings.Add(m);
        _mappings[key] = m;
        mi = new MappingInfo(m, 0);
        _mappingsById[src.Id] = mi;
        return mi;
    }

    private Function? MapFunction(Function? src)
    {
        if (src == null) return null;
        if (_functionsById.TryGetValue(src.Id, out var known)) return known;
        var key = new FunctionKey(src.StartLine, src.Name, src.SystemName, src.Filename);
        if (_functions.TryGetValue(key, out var f))
        {
            _functionsById[src.Id] = f;
            return f;
        }
        f = src.Clone();
        f.Id = (ulong)_p.Functions.Count + 1;
        _functions[key] = f;
        _functionsById[src.Id] = f;
        _p.Functions.Add(f);
        return f;
    }

    /// <summary>A destination location with its id, kept together so the hot loop reads one array slot per frame.</summary>
    private readonly record struct MappedLocation(Location? Location, ulong Id);

    private readonly record struct MappingInfo(Mapping? Mapping, long Offset);

    private readonly record struct FunctionKey(long StartLine, string Name, string SystemName, string Filename);

    private readonly record struct MappingKey(ulong Size, ulong Offset, string BuildIdOrFile)
    {
        public static MappingKey Of(Mapping m)
        {
            // Sizes are rounded up to 4 KiB so that slightly different mappings of one binary still match.
            const ulong rounding = 0x1000;
            ulong size = unchecked(m.Limit - m.Start + rounding - 1);
            size -= size % rounding;
            string id = m.BuildId.Length != 0 ? m.BuildId : m.File;
            return new MappingKey(size, m.Offset, id);
        }
    }

    /// <summary>Location identity over destination locations: functions and mappings are compared by reference since
    /// the destination holds one object per identity.</summary>
    private sealed class LocationIdentity : IEqualityComparer<Location>
    {
        public static readonly LocationIdentity Instance = new();

        private static ulong RelativeAddress(Location l) => l.Mapping == null ? l.Address : unchecked(l.Address - l.Mapping.Start);

        public bool Equals(Location? x, Location? y)
        {
            if (ReferenceEquals(x, y)) return true;
            if (x == null || y == null) return false;
            if (x.IsFolded != y.IsFolded || !ReferenceEquals(x.Mapping, y.Mapping) || RelativeAddress(x) != RelativeAddress(y)) return false;
            var a = x.Lines;
            var b = y.Lines;
            if (a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++)
            {
                if (!ReferenceEquals(a[i].Function, b[i].Function) || a[i].LineNumber != b[i].LineNumber || a[i].Column != b[i].Column) return false;
            }
            return true;
        }

        public int GetHashCode(Location l)
        {
            var h = new HashCode();
            h.Add(RelativeAddress(l));
            h.Add(l.Mapping?.Id ?? 0);
            h.Add(l.IsFolded);
            foreach (var ln in l.Lines)
            {
                h.Add(ln.Function?.Id ?? 0);
                h.Add(ln.LineNumber);
                h.Add(ln.Column);
            }
            return h.ToHashCode();
        }
    }

    /// <summary>Hash set of destination samples keyed by stack and labels, probed with a stack held in a reusable
    /// buffer so that a sample that merges into an existing one costs no allocation. Open addressing over one array of
    /// (hash, sample number) slots: a probe usually touches a single cache line, and the sample itself only when the
    /// full hashes match.</summary>
    private sealed class SampleTable
    {
        private ulong[] _slots;     // (hash << 32) | (sample number + 1); 0 = empty
        private readonly List<Sample> _entries;
        private int _mask;
        private int _shift;

        /// <summary>Creates a table whose samples are <paramref name="entries"/> (the destination profile's list, which
        /// <see cref="Add"/> appends to), sized for <paramref name="capacity"/> samples.</summary>
        public SampleTable(List<Sample> entries, int capacity)
        {
            _entries = entries;
            int size = 16;
            while (size < capacity + capacity / 3 && size < 1 << 30) size <<= 1;
            _slots = new ulong[size];
            _mask = size - 1;
            _shift = 64 - System.Numerics.BitOperations.Log2((uint)size);
        }

        public Sample? Find(int hash, Location[] stack, int n, Sample src)
        {
            var slots = _slots;
            uint h = (uint)hash;
            for (int i = Start(h); ; i = (i + 1) & _mask)
            {
                ulong slot = slots[i];
                if (slot == 0) return null;
                if ((uint)(slot >> 32) != h) continue;
                var s = _entries[(int)(uint)slot - 1];
                if (SameStack(s.Locations, stack, n) && SameLabels(s, src)) return s;
            }
        }

        /// <summary>Appends <paramref name="s"/> to the samples and indexes it.</summary>
        public void Add(int hash, Sample s)
        {
            _entries.Add(s);
            int count = _entries.Count;
            if ((long)count * 4 > (long)_slots.Length * 3) Grow();
            Insert(_slots, (uint)hash, count);
        }

        // Fibonacci hashing: the top bits of the product pick the slot.
        private int Start(uint hash) => (int)((hash * 0x9E3779B97F4A7C15UL) >> _shift);

        private void Insert(ulong[] slots, uint hash, int number)
        {
            int i = Start(hash);
            while (slots[i] != 0) i = (i + 1) & _mask;
            slots[i] = ((ulong)hash << 32) | (uint)number;
        }

        private void Grow()
        {
            var old = _slots;
            var slots = new ulong[old.Length * 2];
            _mask = slots.Length - 1;
            _shift--;
            foreach (ulong slot in old)
            {
                if (slot != 0) Insert(slots, (uint)(slot >> 32), (int)(uint)slot);
            }
            _slots = slots;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool SameStack(Location[] a, Location[] b, int n)
        {
            if (a.Length != n) return false;
            for (int i = 0; i < n; i++) if (!ReferenceEquals(a[i], b[i])) return false;
            return true;
        }
    }

    /// <summary>Whether two samples carry the same string and numeric labels (numeric ones with the same units), as
    /// pprof's sample key compares them: a missing label set equals an empty one, and missing units equal no units.</summary>
    internal static bool SameLabels(Sample a, Sample b)
    {
        if (!SameStringLabels(a.Labels, b.Labels)) return false;
        int na = a.NumLabels?.Count ?? 0, nb = b.NumLabels?.Count ?? 0;
        if (na != nb) return false;
        if (na == 0) return true;
        foreach (var kv in a.NumLabels!)
        {
            if (!b.NumLabels!.TryGetValue(kv.Key, out var bv) || !kv.Value.AsSpan().SequenceEqual(bv)) return false;
            if (!UnitsOf(a, kv.Key).SequenceEqual(UnitsOf(b, kv.Key), StringComparer.Ordinal)) return false;
        }
        return true;
    }

    private static string[] UnitsOf(Sample s, string key) =>
        s.NumUnits != null && s.NumUnits.TryGetValue(key, out var u) ? u : Array.Empty<string>();

    private static bool SameStringLabels(Dictionary<string, string[]>? a, Dictionary<string, string[]>? b)
    {
        int na = a?.Count ?? 0, nb = b?.Count ?? 0;
        if (na != nb) return false;
        if (na == 0) return true;
        foreach (var kv in a!)
        {
            if (!b!.TryGetValue(kv.Key, out var bv) || kv.Value.Length != bv.Length) return false;
            for (int i = 0; i < bv.Length; i++) if (!string.Equals(kv.Value[i], bv[i], StringComparison.Ordinal)) return false;
        }
        return true;
    }
}
