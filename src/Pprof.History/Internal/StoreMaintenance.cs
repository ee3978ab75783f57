using Microsoft.Data.Sqlite;

namespace Pprof.History.Internal;

/// <summary>Retention, downsampling and size limit of a store, and the collection of shared rows no profile refers to
/// any more (see <see cref="ProfileStore.Maintain"/>).</summary>
internal sealed class StoreMaintenance
{
    /// <summary>Rows read per downsampling transaction: bounds memory and how long writers wait.</summary>
    private const int BatchRows = 2_000;

    private readonly SqliteConnection _connection;
    private readonly ProfileCodec _codec;
    private readonly ProfileStoreOptions _options;
    private readonly VarintWriter _writer = new();

    public StoreMaintenance(SqliteConnection connection, ProfileCodec codec, ProfileStoreOptions options)
    {
        _connection = connection;
        _codec = codec;
        _options = options;
    }

    public void Run(DateTime now, CancellationToken cancellationToken)
    {
        long nowNs = TimeUnits.ToNanos(now);
        bool deleted = false;
        if (_options.Retention > TimeSpan.Zero)
        {
            long cutoff = nowNs - TimeUnits.ToNanos(_options.Retention);
            deleted |= Execute($"DELETE FROM profiles WHERE start_ns < {cutoff} AND start_ns + duration_ns < {cutoff}") > 0;
            deleted |= Execute($"DELETE FROM stats WHERE time_ns < {cutoff}") > 0;
        }
        const long minute = 60_000_000_000L, hour = 60 * minute;
        if (_options.MinuteResolutionAfter > TimeSpan.Zero)
            deleted |= Downsample(1, minute, Floor(nowNs - TimeUnits.ToNanos(_options.MinuteResolutionAfter), minute), cancellationToken);
        if (_options.HourResolutionAfter > TimeSpan.Zero)
            deleted |= Downsample(2, hour, Floor(nowNs - TimeUnits.ToNanos(_options.HourResolutionAfter), hour), cancellationToken);
        if (deleted) CollectGarbage(cancellationToken);
        EnforceSize(cancellationToken);
        using (var tx = _connection.BeginTransaction(deferred: false))
        {
            Execute($"INSERT INTO meta (key, value) VALUES ('last_maintenance_ns', {nowNs}) ON CONFLICT (key) DO UPDATE SET value = excluded.value", tx);
            tx.Commit();
        }
        // Pages freed by downsampling go back to the file system, and the write-ahead log is folded into the database.
        Execute("PRAGMA incremental_vacuum");
        Execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }

    private static long Floor(long ns, long unit) => ns - ((ns % unit) + unit) % unit;

    private int Execute(string sql, SqliteTransaction? tx = null)
    {
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd.ExecuteNonQuery();
    }

    /// <summary>Merges the profiles of lower resolution that start before <paramref name="cutoff"/> into one profile per
    /// series, header and <paramref name="bucketNs"/> bucket, of resolution <paramref name="resolution"/>; true when
    /// profiles were merged (the headers of all but the first of a bucket may be unreferenced then).</summary>
    internal bool Downsample(int resolution, long bucketNs, long cutoff, CancellationToken cancellationToken)
    {
        bool merged = false;
        long afterSeries = -1, afterStart = long.MinValue;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var tx = _connection.BeginTransaction(deferred: false);
            var rows = new List<(long Id, long Series, long Start, long Duration, long Header, long Total, string Unit, int Resolution)>();
            using (var cmd = _connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT id, series, start_ns, duration_ns, header, total, unit, resolution FROM profiles " +
                    "WHERE resolution < $r AND start_ns < $cutoff AND (series > $s OR (series = $s AND start_ns >= $start)) ORDER BY series, start_ns LIMIT $limit";
                cmd.Parameters.AddWithValue("$r", resolution);
                cmd.Parameters.AddWithValue("$cutoff", cutoff);
                cmd.Parameters.AddWithValue("$s", afterSeries);
                cmd.Parameters.AddWithValue("$start", afterStart);
                cmd.Parameters.AddWithValue("$limit", BatchRows);
                using var r = cmd.ExecuteReader();
                while (r.Read()) rows.Add((r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetString(6), r.GetInt32(7)));
            }
            if (rows.Count == 0) return merged;
            bool more = rows.Count == BatchRows;
            if (more)
            {
                // The last bucket may continue in the next batch: leave it for then (unless it fills the whole batch).
                var last = rows[^1];
                long lastBucket = Floor(last.Start, bucketNs);
                int keep = rows.FindLastIndex(x => x.Series != last.Series || Floor(x.Start, bucketNs) != lastBucket) + 1;
                if (keep > 0)
                {
                    rows.RemoveRange(keep, rows.Count - keep);
                    afterSeries = last.Series;
                    afterStart = lastBucket;
                }
                else
                {
                    afterSeries = last.Series;
                    afterStart = last.Start + 1;
                }
            }
            // Profiles of one series and bucket merge when their sample types agree; the merged profile keeps the
            // first one's header (its comments; the others' comments are dropped).
            var signatures = new Dictionary<long, string>();
            string Signature(long header)
            {
                if (!signatures.TryGetValue(header, out string? sig))
                {
                    var h = _codec.Header(header, tx);
                    signatures[header] = sig = string.Join(" ", h.SampleTypes.Select(t => t.Type + "/" + t.Unit)) + " " + h.PeriodType;
                }
                return sig;
            }
            foreach (var group in rows.GroupBy(x => (x.Series, Signature: Signature(x.Header), Bucket: Floor(x.Start, bucketNs))))
            {
                var members = group.ToList();
                if (members.Count == 1)
                {
                    Execute($"UPDATE profiles SET resolution = {resolution} WHERE id = {members[0].Id}", tx);
                    continue;
                }
                var sums = new Dictionary<SampleKey, long[]>();
                int valueCount = 0;
                long start = long.MaxValue, end = long.MinValue, total = 0;
                foreach (var m in members)
                {
                    using var read = _connection.CreateCommand();
                    read.Transaction = tx;
                    read.CommandText = $"SELECT samples FROM profiles WHERE id = {m.Id}";
                    valueCount = SampleBlob.DecodeInto((byte[])read.ExecuteScalar()!, sums, null);
                    start = Math.Min(start, m.Start);
                    end = Math.Max(end, m.Start + m.Duration);
                    total += m.Total;
                }
                var sorted = sums.ToList();
                sorted.Sort((a, b) => a.Key.CompareTo(b.Key));
                byte[] blob = SampleBlob.Encode(sorted, valueCount, _writer);
                using (var insert = _connection.CreateCommand())
                {
                    insert.Transaction = tx;
                    insert.CommandText = "INSERT INTO profiles (series, start_ns, duration_ns, resolution, header, total, unit, samples) VALUES ($series, $start, $duration, $r, $header, $total, $unit, $samples)";
                    insert.Parameters.AddWithValue("$series", group.Key.Series);
                    insert.Parameters.AddWithValue("$start", start);
                    insert.Parameters.AddWithValue("$duration", end - start);
                    insert.Parameters.AddWithValue("$r", resolution);
                    insert.Parameters.AddWithValue("$header", members[0].Header);
                    insert.Parameters.AddWithValue("$total", total);
                    insert.Parameters.AddWithValue("$unit", members[0].Unit);
                    insert.Parameters.AddWithValue("$samples", blob);
                    insert.ExecuteNonQuery();
                }
                Execute($"DELETE FROM profiles WHERE id IN ({string.Join(',', members.Select(m => m.Id))})", tx);
                merged = true;
            }
            tx.Commit();
            if (!more) return merged;
        }
    }

    /// <summary>Deletes the oldest profiles and stats while the database's used pages exceed the size limit.</summary>
    private void EnforceSize(CancellationToken cancellationToken)
    {
        if (_options.MaxSizeBytes <= 0) return;
        for (int round = 0; round < 64; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long used = UsedBytes();
            if (used <= _options.MaxSizeBytes) break;
            using (var tx = _connection.BeginTransaction(deferred: false))
            {
                long profiles = StoreSchema.Scalar(_connection, "SELECT COUNT(*) FROM profiles", tx);
                long stats = StoreSchema.Scalar(_connection, "SELECT COUNT(*) FROM stats", tx);
                if (profiles == 0 && stats == 0) break;
                // Delete the oldest share that brings the store under 90 % of the limit, assuming rows of equal size.
                double share = Math.Clamp((used - _options.MaxSizeBytes * 0.9) / used, 0.01, 1.0);
                long cutoff;
                if (profiles > 0)
                {
                    long n = Math.Max(1, (long)Math.Ceiling(profiles * share));
                    cutoff = StoreSchema.Scalar(_connection, $"SELECT start_ns FROM profiles ORDER BY start_ns LIMIT 1 OFFSET {n - 1}", tx);
                    Execute($"DELETE FROM profiles WHERE start_ns <= {cutoff}", tx);
                }
                else
                {
                    long n = Math.Max(1, (long)Math.Ceiling(stats * share));
                    cutoff = StoreSchema.Scalar(_connection, $"SELECT time_ns FROM stats ORDER BY time_ns LIMIT 1 OFFSET {n - 1}", tx);
                }
                Execute($"DELETE FROM stats WHERE time_ns <= {cutoff}", tx);
                tx.Commit();
            }
            CollectGarbage(cancellationToken);
        }
    }

    /// <summary>The bytes the database's pages in use take (pages freed by deletions are not counted).</summary>
    internal long UsedBytes()
    {
        long pages = StoreSchema.Scalar(_connection, "PRAGMA page_count");
        long free = StoreSchema.Scalar(_connection, "PRAGMA freelist_count");
        long size = StoreSchema.Scalar(_connection, "PRAGMA page_size");
        return (pages - free) * size;
    }

    /// <summary>Deletes the stacks, label sets and headers no profile refers to, then the locations, functions,
    /// mappings and strings nothing left refers to; bumps the store's generation so that every writer drops its
    /// cached ids; returns the freed pages to the file system.</summary>
    internal void CollectGarbage(CancellationToken cancellationToken)
    {
        using (var tx = _connection.BeginTransaction(deferred: false))
        {
            var stacks = new HashSet<long>();
            var labelSets = new HashSet<long>();
            var headers = new HashSet<long>();
            using (var cmd = _connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT header, samples FROM profiles";
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    headers.Add(r.GetInt64(0));
                    SampleBlob.VisitKeys((byte[])r[1], (stack, labelSet) =>
                    {
                        stacks.Add(stack);
                        if (labelSet != 0) labelSets.Add(labelSet);
                    });
                }
            }
            DeleteExcept("stacks", stacks, tx);
            DeleteExcept("label_sets", labelSets, tx);
            DeleteExcept("headers", headers, tx);

            var locations = new HashSet<long>();
            ScanBlobs("stacks", tx, data =>
            {
                var r = new VarintReader(data);
                int n = r.ReadCount();
                for (int i = 0; i < n; i++) locations.Add(r.ReadInt64());
            });
            DeleteExcept("locations", locations, tx);

            var functions = new HashSet<long>();
            var mappings = new HashSet<long>();
            ScanBlobs("locations", tx, data =>
            {
                var r = new VarintReader(data);
                mappings.Add(r.ReadInt64());
                r.ReadUInt64();
                r.ReadUInt64();
                int n = r.ReadCount();
                for (int i = 0; i < n; i++)
                {
                    functions.Add(r.ReadInt64());
                    r.ReadSigned();
                    r.ReadSigned();
                }
            });
            DeleteExcept("functions", functions, tx);
            DeleteExcept("mappings", mappings, tx);

            var strings = new HashSet<long>();
            using (var cmd = _connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT name, system_name, filename FROM functions";
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    strings.Add(r.GetInt64(0));
                    strings.Add(r.GetInt64(1));
                    strings.Add(r.GetInt64(2));
                }
            }
            ScanBlobs("mappings", tx, data =>
            {
                var r = new VarintReader(data);
                r.ReadUInt64();
                r.ReadUInt64();
                r.ReadUInt64();
                strings.Add(r.ReadInt64());
                strings.Add(r.ReadInt64());
            });
            ScanBlobs("label_sets", tx, data =>
            {
                var r = new VarintReader(data);
                int n = r.ReadCount();
                for (int i = 0; i < n; i++)
                {
                    strings.Add(r.ReadInt64());
                    int m = r.ReadCount();
                    for (int j = 0; j < m; j++) strings.Add(r.ReadInt64());
                }
                n = r.ReadCount();
                for (int i = 0; i < n; i++)
                {
                    strings.Add(r.ReadInt64());
                    int m = r.ReadCount();
                    for (int j = 0; j < m; j++) r.ReadSigned();
                    int u = r.ReadCount();
                    for (int j = 0; j < u; j++) strings.Add(r.ReadInt64());
                }
            });
            DeleteExcept("strings", strings, tx);
            Execute("INSERT INTO meta (key, value) VALUES ('generation', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1", tx);
            tx.Commit();
        }
        _codec.ClearCaches();
        Execute("PRAGMA incremental_vacuum");
        Execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }

    private void ScanBlobs(string table, SqliteTransaction tx, ReadOnlySpanAction visit)
    {
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT data FROM {table}";
        using var r = cmd.ExecuteReader();
        while (r.Read()) visit((byte[])r[0]);
    }

    private delegate void ReadOnlySpanAction(ReadOnlySpan<byte> data);

    private void DeleteExcept(string table, HashSet<long> keep, SqliteTransaction tx)
    {
        Execute("CREATE TEMP TABLE IF NOT EXISTS keep_ids (id INTEGER PRIMARY KEY)", tx);
        Execute("DELETE FROM keep_ids", tx);
        using (var insert = _connection.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = "INSERT OR IGNORE INTO keep_ids (id) VALUES ($id)";
            var p = insert.Parameters.Add("$id", SqliteType.Integer);
            foreach (long id in keep)
            {
                p.Value = id;
                insert.ExecuteNonQuery();
            }
        }
        Execute($"DELETE FROM {table} WHERE id NOT IN (SELECT id FROM keep_ids)", tx);
    }
}
