using Pprof.Profiles;

namespace Pprof.Report.Visual;

/// <summary>The samples of a profile as root-first frame sequences over an alphabetically ordered name table, with
/// each sample's value split into the current and the base (subtracted) part. Shared by the folded-stack writer and
/// the flame graph builder. Inlined calls expand into their own frames.</summary>
internal sealed class StackTable
{
    /// <summary>The label pprof's driver puts on samples that come from <c>-diff_base</c>.</summary>
    internal const string BaseLabel = "pprof::base";

    private StackTable(string[] names, int[] frames, int[] start, int[] length, long[] value, bool[] isBase, int count, bool hasBase)
    {
        Names = names;
        Frames = frames;
        Start = start;
        Length = length;
        Value = value;
        IsBase = isBase;
        Count = count;
        HasBase = hasBase;
    }

    /// <summary>Frame names in ordinal order; a frame id is an index into this array, so id order is name order.</summary>
    internal string[] Names { get; }

    /// <summary>All stacks, root first, one after another.</summary>
    internal int[] Frames { get; }

    /// <summary>Where each kept sample's stack starts in <see cref="Frames"/> (the first <see cref="Count"/> entries).</summary>
    internal int[] Start { get; }

    /// <summary>The number of frames of each kept sample (the first <see cref="Count"/> entries).</summary>
    internal int[] Length { get; }

    /// <summary>Each kept sample's value, as a magnitude (never negative; the first <see cref="Count"/> entries).</summary>
    internal long[] Value { get; }

    /// <summary>Whether each kept sample belongs to the base profile (negative value or the <c>pprof::base</c> label).</summary>
    internal bool[] IsBase { get; }

    /// <summary>Whether any sample belongs to a base profile, that is, whether this is a comparison.</summary>
    internal bool HasBase { get; }

    /// <summary>The number of kept samples (those with a non-zero value).</summary>
    internal int Count { get; }

    /// <summary>The display name of a location without source lines.</summary>
    internal static string AddressName(Location loc) => "0x" + loc.Address.ToString("x");

    /// <summary>Builds the table. <paramref name="value"/> extracts the reported value from a sample's values;
    /// samples whose value is zero are left out.</summary>
    // Runs once per report over every frame of every sample: compiled fully optimized at once rather than by on-stack
    // replacement of the loop.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static StackTable Build(Profile profile, Func<long[], long> value)
    {
        // Name every location of the profile up front, then renumber the names in ordinal order, so that the stacks
        // are written with final ids (siblings in a flame graph are ordered by name).
        var codes = new LocationCodes(profile.Locations);
        foreach (var l in profile.Locations) codes.CodeOf(l);
        int namedBefore = codes.NameCount;
        var names = codes.SortNames();

        var samples = profile.Samples;
        int sampleCount = samples.Count;
        var frames = GC.AllocateUninitializedArray<int>(Math.Max(1024, Math.Min(sampleCount * 16, 1 << 24)));
        var start = GC.AllocateUninitializedArray<int>(sampleCount);
        var length = GC.AllocateUninitializedArray<int>(sampleCount);
        var values = GC.AllocateUninitializedArray<long>(sampleCount);
        var isBase = new bool[sampleCount];
        bool hasBase = false;
        // A location's code: its single frame id (>= 0), or -(offset + 1) into multi, where its frame count and its
        // frames (root first) are; Unknown until the location is first seen.
        const int unknown = LocationCodes.Unknown;
        var code = codes.Code;
        var multi = codes.Multi;
        ulong denseLimit = codes.DenseLimit;
        int maxPerLocation = codes.MaxFrames;
        int pos = 0, k = 0;
        for (int s = 0; s < sampleCount; s++)
        {
            var sample = samples[s];
            long v = value(sample.Values);
            if (v == 0) continue;
            var locs = sample.Locations;
            if ((long)pos + (long)locs.Length * maxPerLocation > frames.Length)
            {
                frames = Grow(frames, pos, (long)pos + (long)locs.Length * maxPerLocation, k, sampleCount);
            }
            start[k] = pos;
            for (int i = locs.Length - 1; i >= 0; i--)
            {
                var loc = locs[i];
                ulong id = loc.Id;
                int c = id < denseLimit ? code[id] : unknown;
                if (c == unknown)
                {
                    c = codes.CodeOf(loc);
                    code = codes.Code;
                    multi = codes.Multi;
                    if (codes.MaxFrames > maxPerLocation)
                    {
                        maxPerLocation = codes.MaxFrames;
                        if ((long)pos + (long)(i + 1) * maxPerLocation > frames.Length)
                        {
                            frames = Grow(frames, pos, (long)pos + (long)(i + 1) * maxPerLocation, k, sampleCount);
                        }
                    }
                }
                if (c >= 0)
                {
                    frames[pos++] = c;
                    continue;
                }
                int at = -c - 1, end = at + 1 + multi[at];
                for (int j = at + 1; j < end; j++) frames[pos++] = multi[j];
            }
            length[k] = pos - start[k];
            if (k == 1000 && sampleCount > 4000)
            {
                // Size the buffer once from the first samples' depth rather than growing it repeatedly.
                long estimate = (long)(pos / 1001.0 * sampleCount * 1.15) + 1024;
                if (estimate > frames.Length)
                {
                    var sized = GC.AllocateUninitializedArray<int>((int)Math.Min(estimate, Array.MaxLength));
                    Array.Copy(frames, sized, pos);
                    frames = sized;
                }
            }
            bool b = v < 0 || (sample.Labels != null && sample.HasLabel(BaseLabel, "true"));
            hasBase |= b;
            values[k] = Math.Abs(v);
            isBase[k] = b;
            k++;
        }

        if (codes.NameCount != namedBefore)
        {
            // A sample referred to a location missing from the profile's table (an unvalidated profile): its names
            // got ids after the sorted ones; sort them all again.
            var map = codes.SortNamesAgain(names, namedBefore, out names);
            for (int i = 0; i < pos; i++) frames[i] = map[frames[i]];
        }
        return new StackTable(names, frames, start, length, values, isBase, k, hasBase);
    }

    /// <summary>A larger frame buffer holding the first <paramref name="used"/> frames: sized from the frames per
    /// sample so far when enough samples have been seen, else doubled.</summary>
    private static int[] Grow(int[] frames, int used, long need, int samplesSeen, int sampleCount)
    {
        if (need > Array.MaxLength) throw new InvalidOperationException("profile has too many frames for a flame graph");
        long size = Math.Max(need, frames.Length * 2L);
        if (samplesSeen >= 1000)
        {
            long estimate = (long)((double)used / samplesSeen * sampleCount * 1.15) + 1024;
            size = Math.Max(need, Math.Max(estimate, frames.Length + frames.Length / 4L));
        }
        var bigger = GC.AllocateUninitializedArray<int>((int)Math.Min(Array.MaxLength, size));
        Array.Copy(frames, bigger, used);
        return bigger;
    }

    /// <summary>The frame names of locations, by location id: each location is named once.</summary>
    private sealed class LocationCodes
    {
        internal const int Unknown = int.MinValue;

        private readonly Dictionary<string, int> _nameIds = new(StringComparer.Ordinal);
        private readonly List<string> _names = new();
        private Dictionary<ulong, int>? _sparse;
        private int _multiCount;

        internal LocationCodes(List<Location> locations)
        {
            ulong maxId = 0;
            foreach (var l in locations) maxId = Math.Max(maxId, l.Id);
            // Codes by location id when ids are dense, as in profiles pprof writes; other ids get slots after those.
            bool dense = maxId <= (ulong)locations.Count * 4 + 1024;
            DenseLimit = dense ? maxId + 1 : 0;
            Code = new int[(int)DenseLimit + locations.Count + 1];
            Array.Fill(Code, Unknown);
        }

        /// <summary>Location ids below this are indexes into <see cref="Code"/>.</summary>
        internal ulong DenseLimit { get; }

        /// <summary>Location codes (see <see cref="Build"/>) by location id, or by sparse index.</summary>
        internal int[] Code { get; private set; }

        /// <summary>Frame counts and frames of the locations with more than one frame.</summary>
        internal int[] Multi { get; private set; } = new int[256];

        /// <summary>The most frames one location has.</summary>
        internal int MaxFrames { get; private set; } = 1;

        /// <summary>The number of distinct names so far.</summary>
        internal int NameCount => _names.Count;

        /// <summary>The code of <paramref name="loc"/>, naming its frames when it is first seen.</summary>
        internal int CodeOf(Location loc)
        {
            int li;
            if (loc.Id < DenseLimit)
            {
                li = (int)loc.Id;
            }
            else
            {
                var sparse = _sparse ??= new Dictionary<ulong, int>();
                if (!sparse.TryGetValue(loc.Id, out li))
                {
                    li = (int)DenseLimit + sparse.Count;
                    if (li >= Code.Length)
                    {
                        int old = Code.Length;
                        var code = Code;
                        Array.Resize(ref code, old * 2);
                        Array.Fill(code, Unknown, old, old);
                        Code = code;
                    }
                    sparse.Add(loc.Id, li);
                }
            }
            int c = Code[li];
            if (c != Unknown) return c;
            var lines = loc.Lines;
            if (lines.Length == 0)
            {
                c = Intern(AddressName(loc));
            }
            else if (lines.Length == 1)
            {
                var fn = lines[0].Function;
                c = Intern(fn == null || fn.Name.Length == 0 ? AddressName(loc) : fn.Name);
            }
            else
            {
                c = -(_multiCount + 1);
                if (_multiCount + lines.Length + 1 > Multi.Length)
                {
                    var multi = Multi;
                    Array.Resize(ref multi, Math.Max(multi.Length * 2, _multiCount + lines.Length + 1));
                    Multi = multi;
                }
                Multi[_multiCount++] = lines.Length;
                // Lines are innermost first; frames are root first.
                for (int i = lines.Length - 1; i >= 0; i--)
                {
                    var fn = lines[i].Function;
                    Multi[_multiCount++] = Intern(fn == null || fn.Name.Length == 0 ? AddressName(loc) : fn.Name);
                }
                MaxFrames = Math.Max(MaxFrames, lines.Length);
            }
            Code[li] = c;
            return c;
        }

        private int Intern(string name)
        {
            if (!_nameIds.TryGetValue(name, out int id))
            {
                id = _names.Count;
                _names.Add(name);
                _nameIds.Add(name, id);
            }
            return id;
        }

        /// <summary>Sorts the names so far in ordinal order and renumbers every code to match.</summary>
        internal string[] SortNames()
        {
            var order = new int[_names.Count];
            for (int i = 0; i < order.Length; i++) order[i] = i;
            var names = _names.ToArray();
            Array.Sort(names, order, StringComparer.Ordinal);
            var remap = new int[order.Length];
            for (int i = 0; i < order.Length; i++) remap[order[i]] = i;
            var code = Code;
            for (int i = 0; i < code.Length; i++)
            {
                if (code[i] >= 0) code[i] = remap[code[i]];
            }
            for (int at = 0; at < _multiCount; at += Multi[at] + 1)
            {
                for (int j = 1; j <= Multi[at]; j++) Multi[at + j] = remap[Multi[at + j]];
            }
            return names;
        }

        /// <summary>Sorts <paramref name="sorted"/> (the first <paramref name="sortedCount"/> names, in order) together
        /// with the names added since, and returns the map from the ids in use to the new ones.</summary>
        internal int[] SortNamesAgain(string[] sorted, int sortedCount, out string[] names)
        {
            names = new string[_names.Count];
            Array.Copy(sorted, names, sortedCount);
            for (int i = sortedCount; i < names.Length; i++) names[i] = _names[i];
            var order = new int[names.Length];
            for (int i = 0; i < order.Length; i++) order[i] = i;
            Array.Sort(names, order, StringComparer.Ordinal);
            var map = new int[order.Length];
            for (int i = 0; i < order.Length; i++) map[order[i]] = i;
            return map;
        }
    }
}
