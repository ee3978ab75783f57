using Pprof.Profile;

namespace Pprof.Report.Visual;

/// <summary>The samples of a profile as root-first frame sequences over an alphabetically ordered name table, with
/// each sample's value split into the current and the base (subtracted) part. Shared by the folded-stack writer and
/// the flame graph builder. Inlined calls expand into their own frames.</summary>
internal sealed class StackTable
{
    /// <summary>The label pprof's driver puts on samples that come from <c>-diff_base</c>.</summary>
    internal const string BaseLabel = "pprof::base";

    private StackTable(string[] names, int[] frames, int[] start, int[] length, long[] value, bool[] isBase, bool hasBase)
    {
        Names = names;
        Frames = frames;
        Start = start;
        Length = length;
        Value = value;
        IsBase = isBase;
        HasBase = hasBase;
    }

    /// <summary>Frame names in ordinal order; a frame id is an index into this array, so id order is name order.</summary>
    internal string[] Names { get; }

    /// <summary>All stacks, root first, one after another.</summary>
    internal int[] Frames { get; }

    /// <summary>Where each kept sample's stack starts in <see cref="Frames"/>.</summary>
    internal int[] Start { get; }

    /// <summary>The number of frames of each kept sample.</summary>
    internal int[] Length { get; }

    /// <summary>Each kept sample's value, as a magnitude (never negative).</summary>
    internal long[] Value { get; }

    /// <summary>Whether each kept sample belongs to the base profile (negative value or the <c>pprof::base</c> label).</summary>
    internal bool[] IsBase { get; }

    /// <summary>Whether any sample belongs to a base profile, that is, whether this is a comparison.</summary>
    internal bool HasBase { get; }

    /// <summary>The number of kept samples (those with a non-zero value).</summary>
    internal int Count => Start.Length;

    /// <summary>The display name of a location without source lines.</summary>
    internal static string AddressName(Location loc) => "0x" + loc.Address.ToString("x");

    /// <summary>Builds the table. <paramref name="value"/> extracts the reported value from a sample's values;
    /// samples whose value is zero are left out.</summary>
    internal static StackTable Build(Pprof.Profile.Profile profile, Func<long[], long> value)
    {
        // Name every frame of every location once; ids are provisional until the names are sorted.
        var nameIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var provisional = new List<string>();
        // Frames per location, by location index (the id itself when ids are dense, as in profiles pprof writes). A
        // location's code is its single frame id (>= 0), or -(offset + 1) into Multi where its frame count and frames
        // (root first) are stored; Unknown until first seen. Flat int arrays keep the per-frame work in cache.
        const int Unknown = int.MinValue;
        ulong maxId = 0;
        foreach (var l in profile.Locations) maxId = Math.Max(maxId, l.Id);
        bool dense = maxId <= (ulong)profile.Locations.Count * 4 + 1024;
        var sparseIndex = dense ? null : new Dictionary<ulong, int>(profile.Locations.Count);
        var code = new int[dense ? (int)maxId + 1 : profile.Locations.Count + 1];
        Array.Fill(code, Unknown);
        var multi = new List<int>();
        int Intern(string name)
        {
            if (!nameIds.TryGetValue(name, out int id))
            {
                id = provisional.Count;
                provisional.Add(name);
                nameIds.Add(name, id);
            }
            return id;
        }
        int CodeOf(Location loc)
        {
            int li;
            if (dense && loc.Id < (ulong)code.Length)
            {
                li = (int)loc.Id;
            }
            else
            {
                sparseIndex ??= new Dictionary<ulong, int>();
                if (!sparseIndex.TryGetValue(loc.Id, out li))
                {
                    li = sparseIndex.Count;
                    if (li >= code.Length)
                    {
                        int old = code.Length;
                        Array.Resize(ref code, old * 2);
                        Array.Fill(code, Unknown, old, old);
                    }
                    sparseIndex.Add(loc.Id, li);
                }
            }
            int c = code[li];
            if (c != Unknown) return c;
            if (loc.Lines.Length == 0)
            {
                c = Intern(AddressName(loc));
            }
            else if (loc.Lines.Length == 1)
            {
                var fn = loc.Lines[0].Function;
                c = Intern(fn == null || fn.Name.Length == 0 ? AddressName(loc) : fn.Name);
            }
            else
            {
                c = -(multi.Count + 1);
                multi.Add(loc.Lines.Length);
                // Lines are innermost first; frames are root first.
                for (int i = loc.Lines.Length - 1; i >= 0; i--)
                {
                    var fn = loc.Lines[i].Function;
                    multi.Add(Intern(fn == null || fn.Name.Length == 0 ? AddressName(loc) : fn.Name));
                }
            }
            code[li] = c;
            return c;
        }

        // Name every location of the profile up front, then renumber names in ordinal order, so that the stacks are
        // written with final ids (siblings in a flame graph are ordered by name).
        foreach (var l in profile.Locations) CodeOf(l);
        var order = new int[provisional.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var names = provisional.ToArray();
        Array.Sort(names, order, StringComparer.Ordinal);
        var remap = new int[order.Length];
        for (int i = 0; i < order.Length; i++) remap[order[i]] = i;
        for (int i = 0; i < code.Length; i++)
        {
            if (code[i] >= 0) code[i] = remap[code[i]];
        }
        for (int at = 0; at < multi.Count; at += multi[at] + 1)
        {
            for (int j = 1; j <= multi[at]; j++) multi[at + j] = remap[multi[at + j]];
        }
        int namedBefore = provisional.Count;

        // One pass over the samples: their stacks go into a growing buffer with provisional frame ids.
        var samples = profile.Samples;
        var frames = new int[Math.Max(1024, Math.Min(samples.Count * 16L, Array.MaxLength / 2))];
        var start = new int[samples.Count];
        var length = new int[samples.Count];
        var values = new long[samples.Count];
        var isBase = new bool[samples.Count];
        bool hasBase = false;
        int maxPerLocation = 1;
        int pos = 0, k = 0;
        for (int s = 0; s < samples.Count; s++)
        {
            var sample = samples[s];
            long v = value(sample.Values);
            if (v == 0) continue;
            var locs = sample.Locations;
            long need = pos + (long)locs.Length * maxPerLocation;
            if (need > frames.Length)
            {
                if (need > Array.MaxLength) throw new InvalidOperationException("profile has too many frames for a flame graph");
                Array.Resize(ref frames, (int)Math.Min(Array.MaxLength, Math.Max(need, frames.Length * 2L)));
            }
            start[k] = pos;
            for (int i = locs.Length - 1; i >= 0; i--)
            {
                int c = dense ? (locs[i].Id < (ulong)code.Length ? code[locs[i].Id] : Unknown) : Unknown;
                if (c == Unknown) c = CodeOf(locs[i]);
                if (c >= 0)
                {
                    frames[pos++] = c;
                    continue;
                }
                int at = -c - 1, n = multi[at];
                if (n > maxPerLocation)
                {
                    maxPerLocation = n;
                    need = pos + (long)(i + 1) * maxPerLocation;
                    if (need > Array.MaxLength) throw new InvalidOperationException("profile has too many frames for a flame graph");
                    if (need > frames.Length) Array.Resize(ref frames, (int)Math.Min(Array.MaxLength, Math.Max(need, frames.Length * 2L)));
                }
                for (int j = 1; j <= n; j++) frames[pos++] = multi[at + j];
            }
            length[k] = pos - start[k];
            if (k == 1000 && samples.Count > 4000)
            {
                // Size the buffer once from the first samples' depth rather than doubling repeatedly.
                long estimate = (long)(pos / 1001.0 * samples.Count * 1.15) + 1024;
                if (estimate > frames.Length) Array.Resize(ref frames, (int)Math.Min(Array.MaxLength, estimate));
            }
            bool b = v < 0 || (sample.Labels != null && sample.HasLabel(BaseLabel, "true"));
            hasBase |= b;
            values[k] = Math.Abs(v);
            isBase[k] = b;
            k++;
        }
        Array.Resize(ref start, k);
        Array.Resize(ref length, k);
        Array.Resize(ref values, k);
        Array.Resize(ref isBase, k);

        if (provisional.Count != namedBefore)
        {
            // A sample referred to a location missing from the profile's table (an unvalidated profile): its names
            // got ids after the sorted ones; sort them all again.
            var current = new string[provisional.Count];
            Array.Copy(names, current, namedBefore);
            for (int i = namedBefore; i < current.Length; i++) current[i] = provisional[i];
            var again = new int[current.Length];
            for (int i = 0; i < again.Length; i++) again[i] = i;
            Array.Sort(current, again, StringComparer.Ordinal);
            var map = new int[again.Length];
            for (int i = 0; i < again.Length; i++) map[again[i]] = i;
            for (int i = 0; i < pos; i++) frames[i] = map[frames[i]];
            names = current;
        }
        return new StackTable(names, frames, start, length, values, isBase, hasBase);
    }
}
