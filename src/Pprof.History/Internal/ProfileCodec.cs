using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Pprof.Profiles;

namespace Pprof.History.Internal;

/// <summary>Turns profiles into rows of the store's shared tables and back. Writing interns every string, function,
/// mapping, location, stack, label set and header (looked up by content; in-memory caches make repeated ones cost a
/// dictionary lookup) and encodes the samples as a <see cref="SampleBlob"/>. Cached ids stay valid until maintenance
/// deletes unreferenced rows, which bumps the store's generation and clears the caches (<see cref="ClearCaches"/>).</summary>
internal sealed class ProfileCodec
{
    // Caches are bounded: a long-running writer with ever-new stacks drops them and starts again.
    private const int MaxCached = 200_000;

    private readonly SqliteConnection _connection;
    private readonly VarintWriter _writer = new();
    private readonly VarintWriter _scratch = new();
    private readonly Dictionary<string, long> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<(long Name, long SystemName, long Filename, long StartLine), long> _functions = new();
    private readonly Dictionary<string, Dictionary<byte[], long>> _blobs = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Profile> _headers = new();
    private readonly Dictionary<long, DecodedLabels> _labelSets = new();
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public ProfileCodec(SqliteConnection connection) => _connection = connection;

    public void ClearCaches()
    {
        _strings.Clear();
        _functions.Clear();
        foreach (var b in _blobs.Values) b.Clear();
        _headers.Clear();
        _labelSets.Clear();
    }

    public EncodedProfile Encode(Profile p, SqliteTransaction tx)
    {
        int valueCount = p.SampleTypes.Count;
        int defaultIndex = DefaultIndex(p);
        long headerId = InternHeader(p, tx);
        var mappingIds = new Dictionary<Mapping, long>(ReferenceEqualityComparer.Instance);
        var functionIds = new Dictionary<Function, long>(ReferenceEqualityComparer.Instance);
        var locationIds = new Dictionary<Location, long>(ReferenceEqualityComparer.Instance);
        var sums = new Dictionary<SampleKey, long[]>(p.Samples.Count);
        long total = 0;
        foreach (var s in p.Samples)
        {
            _writer.Reset();
            _writer.Write((ulong)s.Locations.Length);
            foreach (var loc in s.Locations)
            {
                ref long id = ref CollectionsMarshal.GetValueRefOrAddDefault(locationIds, loc, out bool found);
                if (!found) id = InternLocation(loc, mappingIds, functionIds, tx);
                _writer.Write(id);
            }
            long stack = InternBlob("stacks", _writer.Span, tx);
            long labelSet = InternLabelSet(s, tx);
            ref long[]? values = ref CollectionsMarshal.GetValueRefOrAddDefault(sums, new SampleKey(stack, labelSet), out _);
            values ??= new long[valueCount];
            for (int i = 0; i < valueCount && i < s.Values.Length; i++) values[i] += s.Values[i];
            if (defaultIndex < s.Values.Length) total += s.Values[defaultIndex];
        }
        var sorted = sums.ToList();
        sorted.Sort((a, b) => a.Key.CompareTo(b.Key));
        byte[] blob = SampleBlob.Encode(sorted, valueCount, _writer);
        return new EncodedProfile(headerId, blob, total, valueCount == 0 ? "" : p.SampleTypes[defaultIndex].Unit);
    }

    /// <summary>The index of the profile's default sample value: the one named by DefaultSampleType, else the last.</summary>
    public static int DefaultIndex(Profile p)
    {
        if (p.DefaultSampleType.Length > 0)
        {
            for (int i = 0; i < p.SampleTypes.Count; i++)
            {
                if (p.SampleTypes[i].Type == p.DefaultSampleType) return i;
            }
        }
        return Math.Max(0, p.SampleTypes.Count - 1);
    }

    private long InternHeader(Profile p, SqliteTransaction tx)
    {
        var header = new Profile
        {
            SampleTypes = p.SampleTypes.Select(t => t.Clone()).ToList(),
            DefaultSampleType = p.DefaultSampleType,
            PeriodType = p.PeriodType?.Clone(),
            Period = p.Period,
            Comments = p.Comments,
            DropFrames = p.DropFrames,
            KeepFrames = p.KeepFrames,
            DocUrl = p.DocUrl,
        };
        using var ms = new MemoryStream();
        header.WriteUncompressed(ms);
        var cache = BlobCache("headers");
        var span = ms.GetBuffer().AsSpan(0, (int)ms.Length);
        if (cache.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(span, out long id)) return id;
        byte[] data = span.ToArray();
        var select = Command("SELECT id FROM headers WHERE data = $d", tx);
        select.Parameters["$d"].Value = data;
        object? found = select.ExecuteScalar();
        if (found is long existing)
        {
            id = existing;
        }
        else
        {
            var insert = Command("INSERT INTO headers (data) VALUES ($d) RETURNING id", tx);
            insert.Parameters["$d"].Value = data;
            id = (long)insert.ExecuteScalar()!;
        }
        cache[data] = id;
        return id;
    }

    private long InternLocation(Location loc, Dictionary<Mapping, long> mappingIds, Dictionary<Function, long> functionIds, SqliteTransaction tx)
    {
        long mapping = 0;
        if (loc.Mapping is { } m && !mappingIds.TryGetValue(m, out mapping))
        {
            _scratch.Reset();
            _scratch.Write(m.Start);
            _scratch.Write(m.Limit);
            _scratch.Write(m.Offset);
            _scratch.Write(InternString(m.File, tx));
            _scratch.Write(InternString(m.BuildId, tx));
            _scratch.Write((ulong)((m.HasFunctions ? 1 : 0) | (m.HasFilenames ? 2 : 0) | (m.HasLineNumbers ? 4 : 0) | (m.HasInlineFrames ? 8 : 0)));
            mapping = InternBlob("mappings", _scratch.Span, tx);
            mappingIds[m] = mapping;
        }
        Span<long> functions = loc.Lines.Length <= 32 ? stackalloc long[loc.Lines.Length] : new long[loc.Lines.Length];
        for (int i = 0; i < loc.Lines.Length; i++)
        {
            var f = loc.Lines[i].Function;
            if (f == null) continue;
            ref long id = ref CollectionsMarshal.GetValueRefOrAddDefault(functionIds, f, out bool found);
            if (!found) id = InternFunction(f, tx);
            functions[i] = id;
        }
        _scratch.Reset();
        _scratch.Write(mapping);
        _scratch.Write(loc.Address);
        _scratch.Write(loc.IsFolded ? 1UL : 0UL);
        _scratch.Write((ulong)loc.Lines.Length);
        for (int i = 0; i < loc.Lines.Length; i++)
        {
            _scratch.Write(functions[i]);
            _scratch.WriteSigned(loc.Lines[i].LineNumber);
            _scratch.WriteSigned(loc.Lines[i].Column);
        }
        return InternBlob("locations", _scratch.Span, tx);
    }

    private long InternFunction(Function f, SqliteTransaction tx)
    {
        var key = (InternString(f.Name, tx), InternString(f.SystemName, tx), InternString(f.Filename, tx), f.StartLine);
        if (_functions.TryGetValue(key, out long id)) return id;
        var select = Command("SELECT id FROM functions WHERE name = $n AND system_name = $s AND filename = $f AND start_line = $l", tx);
        SetFunction(select, key);
        if (select.ExecuteScalar() is long existing)
        {
            id = existing;
        }
        else
        {
            var insert = Command("INSERT INTO functions (name, system_name, filename, start_line) VALUES ($n, $s, $f, $l) RETURNING id", tx);
            SetFunction(insert, key);
            id = (long)insert.ExecuteScalar()!;
        }
        if (_functions.Count >= MaxCached) _functions.Clear();
        _functions[key] = id;
        return id;
    }

    private static void SetFunction(SqliteCommand cmd, (long Name, long SystemName, long Filename, long StartLine) key)
    {
        cmd.Parameters["$n"].Value = key.Name;
        cmd.Parameters["$s"].Value = key.SystemName;
        cmd.Parameters["$f"].Value = key.Filename;
        cmd.Parameters["$l"].Value = key.StartLine;
    }

    private long InternString(string s, SqliteTransaction tx)
    {
        if (s.Length == 0) return 0;
        if (_strings.TryGetValue(s, out long id)) return id;
        var select = Command("SELECT id FROM strings WHERE value = $v", tx);
        select.Parameters["$v"].Value = s;
        if (select.ExecuteScalar() is long existing)
        {
            id = existing;
        }
        else
        {
            var insert = Command("INSERT INTO strings (value) VALUES ($v) RETURNING id", tx);
            insert.Parameters["$v"].Value = s;
            id = (long)insert.ExecuteScalar()!;
        }
        if (_strings.Count >= MaxCached) _strings.Clear();
        _strings[s] = id;
        return id;
    }

    private long InternLabelSet(Sample s, SqliteTransaction tx)
    {
        var labels = s.Labels;
        var numLabels = s.NumLabels;
        if ((labels == null || labels.Count == 0) && (numLabels == null || numLabels.Count == 0)) return 0;
        _scratch.Reset();
        if (labels == null)
        {
            _scratch.Write(0UL);
        }
        else
        {
            _scratch.Write((ulong)labels.Count);
            foreach (var key in labels.Keys.Order(StringComparer.Ordinal))
            {
                _scratch.Write(InternString(key, tx));
                var values = labels[key];
                _scratch.Write((ulong)values.Length);
                foreach (string v in values) _scratch.Write(InternString(v, tx));
            }
        }
        if (numLabels == null)
        {
            _scratch.Write(0UL);
        }
        else
        {
            _scratch.Write((ulong)numLabels.Count);
            foreach (var key in numLabels.Keys.Order(StringComparer.Ordinal))
            {
                _scratch.Write(InternString(key, tx));
                var values = numLabels[key];
                _scratch.Write((ulong)values.Length);
                foreach (long v in values) _scratch.WriteSigned(v);
                string[] units = s.NumUnits != null && s.NumUnits.TryGetValue(key, out var u) ? u : Array.Empty<string>();
                _scratch.Write((ulong)units.Length);
                foreach (string unit in units) _scratch.Write(InternString(unit, tx));
            }
        }
        return InternBlob("label_sets", _scratch.Span, tx);
    }

    // Blobs are found by a 64-bit hash; a collision (same hash, other content) probes the next hash values.
    private long InternBlob(string table, ReadOnlySpan<byte> data, SqliteTransaction tx)
    {
        var cache = BlobCache(table);
        if (cache.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(data, out long id)) return id;
        long hash = (long)Fnv64.Hash(data);
        byte[] bytes = data.ToArray();
        var select = Command($"SELECT id, data FROM {table} WHERE hash = $h", tx);
        for (int probe = 0; ; probe++, hash++)
        {
            if (probe > 1000) throw new InvalidDataException($"profile store: too many hash collisions in {table}");
            select.Parameters["$h"].Value = hash;
            using (var r = select.ExecuteReader())
            {
                if (r.Read())
                {
                    if (!((byte[])r[1]).AsSpan().SequenceEqual(bytes)) continue;
                    id = r.GetInt64(0);
                    break;
                }
            }
            var insert = Command($"INSERT INTO {table} (hash, data) VALUES ($h, $d) RETURNING id", tx);
            insert.Parameters["$h"].Value = hash;
            insert.Parameters["$d"].Value = bytes;
            id = (long)insert.ExecuteScalar()!;
            break;
        }
        if (cache.Count >= MaxCached) cache.Clear();
        cache[bytes] = id;
        return id;
    }

    private Dictionary<byte[], long> BlobCache(string table)
    {
        if (!_blobs.TryGetValue(table, out var cache)) _blobs[table] = cache = new Dictionary<byte[], long>(ByteArrayComparer.Instance);
        return cache;
    }

    /// <summary>A prepared command on this connection, bound to <paramref name="tx"/>, with its $parameters declared.</summary>
    public SqliteCommand Command(string sql, SqliteTransaction? tx)
    {
        if (!_commands.TryGetValue(sql, out var cmd))
        {
            cmd = _connection.CreateCommand();
            cmd.CommandText = sql;
            foreach (string name in new[] { "$h", "$d", "$v", "$n", "$s", "$f", "$l", "$id" })
            {
                if (sql.Contains(name, StringComparison.Ordinal)) cmd.Parameters.AddWithValue(name, DBNull.Value);
            }
            _commands[sql] = cmd;
        }
        cmd.Transaction = tx;
        return cmd;
    }

    /// <summary>The header (sample types, period, comments, …) stored under <paramref name="id"/>.</summary>
    public Profile Header(long id, SqliteTransaction tx)
    {
        if (_headers.TryGetValue(id, out var header)) return header;
        var select = Command("SELECT data FROM headers WHERE id = $id", tx);
        select.Parameters["$id"].Value = id;
        if (select.ExecuteScalar() is not byte[] data) throw VarintReader.Damaged();
        try
        {
            header = Profile.ParseUncompressed(data);
        }
        catch (ProfileFormatException e)
        {
            throw new InvalidDataException("profile store: damaged profile header: " + e.Message, e);
        }
        _headers[id] = header;
        return header;
    }

    /// <summary>The labels stored under label set <paramref name="id"/>.</summary>
    public DecodedLabels LabelSet(long id, SqliteTransaction tx)
    {
        if (_labelSets.TryGetValue(id, out var decoded)) return decoded;
        var select = Command("SELECT data FROM label_sets WHERE id = $id", tx);
        select.Parameters["$id"].Value = id;
        if (select.ExecuteScalar() is not byte[] data) throw VarintReader.Damaged();
        var stringIds = new List<long>();
        var r = new VarintReader(data);
        var raw = new List<(long Key, long[] Values)>();
        int n = r.ReadCount();
        for (int i = 0; i < n; i++)
        {
            long key = r.ReadInt64();
            int m = r.ReadCount();
            var values = new long[m];
            for (int j = 0; j < m; j++) values[j] = r.ReadInt64();
            raw.Add((key, values));
            stringIds.Add(key);
            stringIds.AddRange(values);
        }
        var rawNum = new List<(long Key, long[] Values, long[] Units)>();
        n = r.ReadCount();
        for (int i = 0; i < n; i++)
        {
            long key = r.ReadInt64();
            int m = r.ReadCount();
            var values = new long[m];
            for (int j = 0; j < m; j++) values[j] = r.ReadSigned();
            int u = r.ReadCount();
            var units = new long[u];
            for (int j = 0; j < u; j++) units[j] = r.ReadInt64();
            rawNum.Add((key, values, units));
            stringIds.Add(key);
            stringIds.AddRange(units);
        }
        var strings = LoadStrings(stringIds, tx);
        Dictionary<string, string[]>? labels = null;
        Dictionary<string, long[]>? numLabels = null;
        Dictionary<string, string[]>? numUnits = null;
        foreach (var (key, values) in raw)
        {
            (labels ??= new(StringComparer.Ordinal))[strings[key]] = values.Select(v => strings[v]).ToArray();
        }
        foreach (var (key, values, units) in rawNum)
        {
            (numLabels ??= new(StringComparer.Ordinal))[strings[key]] = values;
            if (units.Length > 0) (numUnits ??= new(StringComparer.Ordinal))[strings[key]] = units.Select(v => strings[v]).ToArray();
        }
        decoded = new DecodedLabels(labels, numLabels, numUnits);
        if (_labelSets.Count >= MaxCached) _labelSets.Clear();
        _labelSets[id] = decoded;
        return decoded;
    }

    /// <summary>The strings with the given ids (0 is the empty string).</summary>
    public Dictionary<long, string> LoadStrings(IEnumerable<long> ids, SqliteTransaction tx)
    {
        var result = new Dictionary<long, string> { [0] = "" };
        foreach (var (id, value) in LoadById("strings", "value", ids, tx, r => r.GetString(1))) result[id] = value;
        return result;
    }

    /// <summary>Rows of <paramref name="table"/> with the given ids (missing ids are reported as damage).</summary>
    public List<(long Id, T Value)> LoadById<T>(string table, string columns, IEnumerable<long> ids, SqliteTransaction tx, Func<SqliteDataReader, T> read)
    {
        var wanted = ids.Where(i => i != 0).Distinct().ToList();
        wanted.Sort();
        var result = new List<(long, T)>(wanted.Count);
        for (int i = 0; i < wanted.Count; i += 500)
        {
            var chunk = wanted.GetRange(i, Math.Min(500, wanted.Count - i));
            using var cmd = _connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"SELECT id, {columns} FROM {table} WHERE id IN ({string.Join(',', chunk)})";
            using var r = cmd.ExecuteReader();
            while (r.Read()) result.Add((r.GetInt64(0), read(r)));
        }
        if (result.Count != wanted.Count) throw new InvalidDataException($"profile store: damaged: {wanted.Count - result.Count} rows of {table} are missing");
        return result;
    }

    /// <summary>The total of the default sample value over the samples whose labels pass <paramref name="filter"/>.</summary>
    public long FilteredTotal(long headerId, byte[] samples, List<KeyValuePair<string, string>> filter, SqliteTransaction tx)
    {
        int index = DefaultIndex(Header(headerId, tx));
        return SampleBlob.Total(samples, index, labelSet => Matches(labelSet, filter, tx));
    }

    /// <summary>Whether label set <paramref name="labelSet"/> has every key = value of <paramref name="filter"/>.</summary>
    public bool Matches(long labelSet, List<KeyValuePair<string, string>> filter, SqliteTransaction tx)
    {
        if (labelSet == 0) return false;
        var labels = LabelSet(labelSet, tx).Labels;
        if (labels == null) return false;
        foreach (var (key, value) in filter)
        {
            if (!labels.TryGetValue(key, out var values) || Array.IndexOf(values, value) < 0) return false;
        }
        return true;
    }
}
