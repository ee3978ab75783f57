using Microsoft.Data.Sqlite;
using Pprof.Profiles;

namespace Pprof.History.Internal;

/// <summary>Adds up stored profiles sample by sample (keyed by shared stack and label set ids, so no profile is
/// materialised until the end) and builds the merged <see cref="Profile"/>: only the stacks, locations, functions,
/// mappings and strings the result refers to are read.</summary>
internal sealed class SampleMerger
{
    /// <summary>The merged profile keeps at most this many distinct comments.</summary>
    private const int MaxComments = 32;

    private readonly ProfileCodec _codec;
    private readonly Dictionary<SampleKey, long[]> _sums = new();
    private readonly List<Profile> _headers = new();
    private readonly HashSet<long> _headerIds = new();
    private int _valueCount = -1;

    public SampleMerger(ProfileCodec codec) => _codec = codec;

    public void Add(long headerId, byte[] samples, List<KeyValuePair<string, string>>? filter, SqliteTransaction tx)
    {
        if (_headerIds.Add(headerId))
        {
            var header = _codec.Header(headerId, tx);
            if (_headers.Count > 0) CheckCompatible(_headers[0], header);
            _headers.Add(header);
        }
        Func<long, bool>? keep = filter == null ? null : labelSet => _codec.Matches(labelSet, filter, tx);
        int n = SampleBlob.DecodeInto(samples, _sums, keep);
        if (_valueCount < 0) _valueCount = n;
        else if (n != _valueCount) throw VarintReader.Damaged();
    }

    private static void CheckCompatible(Profile a, Profile b)
    {
        bool same = a.SampleTypes.Count == b.SampleTypes.Count && Same(a.PeriodType, b.PeriodType);
        for (int i = 0; same && i < a.SampleTypes.Count; i++) same = Same(a.SampleTypes[i], b.SampleTypes[i]);
        if (!same)
        {
            throw new InvalidOperationException(
                $"the matching profiles have different sample types ({Describe(a)} and {Describe(b)}); narrow the query by service, labels or time");
        }
    }

    private static bool Same(ProfileValueType? a, ProfileValueType? b) =>
        a == null || b == null ? a == null && b == null : a.Type == b.Type && a.Unit == b.Unit;

    private static string Describe(Profile p) => string.Join(" ", p.SampleTypes.Select(t => t.Type + "/" + t.Unit));

    public Profile Build(long timeNanos, long durationNanos, SqliteTransaction tx)
    {
        var first = _headers[0];
        var p = new Profile
        {
            SampleTypes = first.SampleTypes.Select(t => t.Clone()).ToList(),
            PeriodType = first.PeriodType?.Clone(),
            DropFrames = first.DropFrames,
            KeepFrames = first.KeepFrames,
            TimeNanos = timeNanos,
            DurationNanos = durationNanos,
        };
        var seenComments = new HashSet<string>(StringComparer.Ordinal);
        foreach (var h in _headers)
        {
            p.Period = Math.Max(p.Period, h.Period);
            if (p.DefaultSampleType.Length == 0) p.DefaultSampleType = h.DefaultSampleType;
            if (p.DocUrl.Length == 0) p.DocUrl = h.DocUrl;
            foreach (string c in h.Comments)
            {
                if (seenComments.Add(c) && p.Comments.Count < MaxComments) p.Comments.Add(c);
            }
        }

        // A day of profiles whose comments carry per-interval figures would print thousands of lines in every report.
        if (seenComments.Count > MaxComments) p.Comments.Add($"({seenComments.Count - MaxComments} more comments of the merged profiles omitted)");

        var entries = new List<KeyValuePair<SampleKey, long[]>>(_sums.Count);
        foreach (var kv in _sums)
        {
            if (Array.Exists(kv.Value, v => v != 0)) entries.Add(kv);
        }
        entries.Sort((a, b) => a.Key.CompareTo(b.Key));

        // Stacks -> locations -> functions and mappings -> strings, each read once.
        var stacks = new Dictionary<long, long[]>();
        foreach (var (id, data) in _codec.LoadById("stacks", "data", entries.Select(e => e.Key.Stack), tx, r => (byte[])r[1]))
        {
            var r = new VarintReader(data);
            int n = r.ReadCount();
            var locs = new long[n];
            for (int i = 0; i < n; i++) locs[i] = r.ReadInt64();
            stacks[id] = locs;
        }
        var rawLocations = new Dictionary<long, (long Mapping, ulong Address, bool Folded, (long Function, long Line, long Column)[] Lines)>();
        foreach (var (id, data) in _codec.LoadById("locations", "data", stacks.Values.SelectMany(s => s), tx, r => (byte[])r[1]))
        {
            var r = new VarintReader(data);
            long mapping = r.ReadInt64();
            ulong address = r.ReadUInt64();
            bool folded = r.ReadUInt64() != 0;
            int n = r.ReadCount();
            var lines = new (long, long, long)[n];
            for (int i = 0; i < n; i++) lines[i] = (r.ReadInt64(), r.ReadSigned(), r.ReadSigned());
            rawLocations[id] = (mapping, address, folded, lines);
        }
        var rawFunctions = _codec.LoadById("functions", "name, system_name, filename, start_line",
            rawLocations.Values.SelectMany(l => l.Lines.Select(x => x.Function)), tx,
            r => (Name: r.GetInt64(1), SystemName: r.GetInt64(2), Filename: r.GetInt64(3), StartLine: r.GetInt64(4)));
        var rawMappings = _codec.LoadById("mappings", "data", rawLocations.Values.Select(l => l.Mapping), tx, r =>
        {
            var data = (byte[])r[1];
            var v = new VarintReader(data);
            return (Start: v.ReadUInt64(), Limit: v.ReadUInt64(), Offset: v.ReadUInt64(), File: v.ReadInt64(), BuildId: v.ReadInt64(), Flags: v.ReadUInt64());
        });
        var strings = _codec.LoadStrings(
            rawFunctions.SelectMany(f => new[] { f.Value.Name, f.Value.SystemName, f.Value.Filename })
                .Concat(rawMappings.SelectMany(m => new[] { m.Value.File, m.Value.BuildId })), tx);
        string Str(long id) => strings.TryGetValue(id, out string? s) ? s : throw VarintReader.Damaged();

        var mappings = new Dictionary<long, Mapping>();
        foreach (var (id, m) in rawMappings)
        {
            var mapping = new Mapping
            {
                Id = (ulong)(p.Mappings.Count + 1), Start = m.Start, Limit = m.Limit, Offset = m.Offset, File = Str(m.File), BuildId = Str(m.BuildId),
                HasFunctions = (m.Flags & 1) != 0, HasFilenames = (m.Flags & 2) != 0, HasLineNumbers = (m.Flags & 4) != 0, HasInlineFrames = (m.Flags & 8) != 0,
            };
            mappings[id] = mapping;
            p.Mappings.Add(mapping);
        }
        var functions = new Dictionary<long, Function>();
        foreach (var (id, f) in rawFunctions)
        {
            var function = new Function { Id = (ulong)(p.Functions.Count + 1), Name = Str(f.Name), SystemName = Str(f.SystemName), Filename = Str(f.Filename), StartLine = f.StartLine };
            functions[id] = function;
            p.Functions.Add(function);
        }
        var locations = new Dictionary<long, Location>();
        foreach (var (id, l) in rawLocations.OrderBy(kv => kv.Key))
        {
            var lines = new Line[l.Lines.Length];
            for (int i = 0; i < lines.Length; i++)
            {
                var (f, line, column) = l.Lines[i];
                lines[i] = new Line(f == 0 ? null : functions[f], line, column);
            }
            var location = new Location
            {
                Id = (ulong)(p.Locations.Count + 1),
                Mapping = l.Mapping == 0 ? null : mappings[l.Mapping],
                Address = l.Address,
                IsFolded = l.Folded,
                Lines = lines,
            };
            locations[id] = location;
            p.Locations.Add(location);
        }
        p.Samples.Capacity = entries.Count;
        foreach (var (key, values) in entries)
        {
            var ids = stacks[key.Stack];
            var locs = new Location[ids.Length];
            for (int i = 0; i < ids.Length; i++) locs[i] = locations[ids[i]];
            var sample = new Sample(locs, values);
            if (key.LabelSet != 0)
            {
                var labels = _codec.LabelSet(key.LabelSet, tx);
                sample.Labels = labels.Labels?.ToDictionary(kv => kv.Key, kv => (string[])kv.Value.Clone(), StringComparer.Ordinal);
                sample.NumLabels = labels.NumLabels?.ToDictionary(kv => kv.Key, kv => (long[])kv.Value.Clone(), StringComparer.Ordinal);
                sample.NumUnits = labels.NumUnits?.ToDictionary(kv => kv.Key, kv => (string[])kv.Value.Clone(), StringComparer.Ordinal);
            }
            p.Samples.Add(sample);
        }
        return p;
    }
}
