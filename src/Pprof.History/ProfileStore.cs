using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pprof.History.Internal;
using Pprof.Profiles;

namespace Pprof.History;

/// <summary>An embedded profile history: profiles and runtime stats of services over time in a local SQLite database
/// (<c>profiles.db</c> in <see cref="Directory"/>), with strings, functions, mappings, locations, stacks and label sets
/// stored once and shared by every profile. Several processes may write and read one store at once (write-ahead log,
/// one transaction per <see cref="Write"/>); after a crash the store opens and at most the last batch is lost.
/// Old data is downsampled and deleted by <see cref="Maintain"/> (see <see cref="ProfileStoreOptions"/>).
/// An instance is thread-safe; operations on it run one at a time.</summary>
public sealed class ProfileStore : IDisposable
{
    /// <summary>The type name under which <see cref="ListSeries"/> reports runtime stats.</summary>
    public const string StatsType = "stats";

    private readonly object _gate = new();
    private readonly SqliteConnection _connection;
    private readonly ProfileStoreOptions _options;
    private readonly ProfileCodec _codec;
    private readonly Dictionary<(string Service, string Type, string Labels), long> _seriesIds = new();
    private long _generation = -1;
    private DateTime _nextMaintenanceCheck;
    private bool _disposed;

    private ProfileStore(string directory, SqliteConnection connection, ProfileStoreOptions options)
    {
        Directory = directory;
        _connection = connection;
        _options = options;
        _codec = new ProfileCodec(connection);
        _nextMaintenanceCheck = NextMaintenanceCheck(DateTime.UtcNow);
    }

    /// <summary>The default store directory: <c>$DOTNET_PPROF_STORE</c> when set, else <c>~/.dotnet-pprof/store</c>.</summary>
    public static string DefaultDirectory
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("DOTNET_PPROF_STORE");
            if (!string.IsNullOrWhiteSpace(env)) return env;
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet-pprof", "store");
        }
    }

    /// <summary>The store's directory.</summary>
    public string Directory { get; }

    /// <summary>Opens the store in <paramref name="directory"/>, creating the directory and database when missing
    /// (unless <see cref="ProfileStoreOptions.ReadOnly"/>).</summary>
    /// <exception cref="InvalidDataException">The database is not a profile store, is damaged, or has another schema version.</exception>
    /// <exception cref="DirectoryNotFoundException">Read-only and the store does not exist.</exception>
    public static ProfileStore Open(string directory, ProfileStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new ProfileStoreOptions();
        string full = Path.GetFullPath(directory);
        string file = Path.Combine(full, StoreSchema.FileName);
        if (options.ReadOnly)
        {
            if (!File.Exists(file)) throw new DirectoryNotFoundException($"no profile store in {full} (no {StoreSchema.FileName})");
        }
        else
        {
            System.IO.Directory.CreateDirectory(full);
        }
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = options.ReadOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Initialize(connection, options);
            return new ProfileStore(full, connection, options);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new InvalidDataException($"{file}: not a usable profile store: {Describe(e)}", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void Initialize(SqliteConnection connection, ProfileStoreOptions options)
    {
        StoreSchema.Execute(connection, $"PRAGMA busy_timeout = {(long)Math.Max(1, options.BusyTimeout.TotalMilliseconds)}");
        // Reading the schema first fails at once on a file that is not a database.
        long version = StoreSchema.Scalar(connection, "PRAGMA user_version");
        if (version != 0 && version != StoreSchema.Version)
            throw new InvalidDataException($"{connection.DataSource}: profile store schema version {version}, this version of dotnet-pprof reads version {StoreSchema.Version}");
        if (options.ReadOnly)
        {
            if (version == 0) throw new InvalidDataException($"{connection.DataSource}: not a profile store (no tables)");
            return;
        }
        // Incremental vacuum lets deletions shrink the file (only takes effect before the first table is created).
        if (version == 0) StoreSchema.Execute(connection, "PRAGMA auto_vacuum = INCREMENTAL");
        // The write-ahead log lets readers read while one writer writes; NORMAL sync keeps every committed
        // transaction across a process crash (only a power loss may lose the last ones).
        StoreSchema.Execute(connection, "PRAGMA journal_mode = WAL");
        StoreSchema.Execute(connection, "PRAGMA synchronous = NORMAL");
        if (version == StoreSchema.Version) return;
        using var tx = connection.BeginTransaction(deferred: false);
        version = StoreSchema.Scalar(connection, "PRAGMA user_version", tx);
        if (version == 0)
        {
            foreach (string sql in StoreSchema.Statements) StoreSchema.Execute(connection, sql, tx);
            StoreSchema.Execute(connection, $"PRAGMA user_version = {StoreSchema.Version}", tx);
        }
        tx.Commit();
    }

    /// <summary>Writes a batch of profiles and stats points in one transaction: after a crash either all of the batch is
    /// stored or none of it. Runs <see cref="Maintain"/> now and then (<see cref="ProfileStoreOptions.MaintenanceInterval"/>).</summary>
    /// <exception cref="ArgumentException">A profile or point has no service or type, or a profile has no sample types.</exception>
    public void Write(IReadOnlyList<StoredProfile> profiles, IReadOnlyList<StatsPoint> stats)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(stats);
        foreach (var p in profiles)
        {
            ArgumentNullException.ThrowIfNull(p);
            ArgumentNullException.ThrowIfNull(p.Profile);
            ArgumentNullException.ThrowIfNull(p.Labels);
            if (string.IsNullOrEmpty(p.Service)) throw new ArgumentException("a stored profile needs a service name", nameof(profiles));
            if (string.IsNullOrEmpty(p.Type)) throw new ArgumentException("a stored profile needs a type", nameof(profiles));
            if (p.Profile.SampleTypes.Count == 0) throw new ArgumentException($"the {p.Type} profile of {p.Service} has no sample types", nameof(profiles));
        }
        foreach (var s in stats)
        {
            ArgumentNullException.ThrowIfNull(s);
            ArgumentNullException.ThrowIfNull(s.Labels);
            ArgumentNullException.ThrowIfNull(s.Values);
            if (string.IsNullOrEmpty(s.Service)) throw new ArgumentException("a stats point needs a service name", nameof(stats));
        }
        if (_options.ReadOnly) throw new InvalidOperationException("the profile store is open read-only");
        if (profiles.Count == 0 && stats.Count == 0) return;
        bool maintain;
        lock (_gate)
        {
            ThrowIfUnusable();
            using (var tx = _connection.BeginTransaction(deferred: false))
            {
                CheckGeneration(tx);
                using var insert = _connection.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = "INSERT INTO profiles (series, start_ns, duration_ns, resolution, header, total, unit, samples) VALUES ($series, $start, $duration, 0, $header, $total, $unit, $samples)";
                var pSeries = insert.Parameters.Add("$series", SqliteType.Integer);
                var pStart = insert.Parameters.Add("$start", SqliteType.Integer);
                var pDuration = insert.Parameters.Add("$duration", SqliteType.Integer);
                var pHeader = insert.Parameters.Add("$header", SqliteType.Integer);
                var pTotal = insert.Parameters.Add("$total", SqliteType.Integer);
                var pUnit = insert.Parameters.Add("$unit", SqliteType.Text);
                var pSamples = insert.Parameters.Add("$samples", SqliteType.Blob);
                foreach (var p in profiles)
                {
                    var encoded = _codec.Encode(p.Profile, tx);
                    pSeries.Value = SeriesId(p.Service, p.Type, p.Labels, tx);
                    pStart.Value = TimeUnits.ToNanos(p.Start);
                    pDuration.Value = TimeUnits.ToNanos(p.Duration);
                    pHeader.Value = encoded.HeaderId;
                    pTotal.Value = encoded.Total;
                    pUnit.Value = encoded.Unit;
                    pSamples.Value = encoded.Samples;
                    insert.ExecuteNonQuery();
                }
                if (stats.Count > 0)
                {
                    using var insertStats = _connection.CreateCommand();
                    insertStats.Transaction = tx;
                    insertStats.CommandText = "INSERT INTO stats (series, time_ns, data) VALUES ($series, $time, $data)";
                    var sSeries = insertStats.Parameters.Add("$series", SqliteType.Integer);
                    var sTime = insertStats.Parameters.Add("$time", SqliteType.Integer);
                    var sData = insertStats.Parameters.Add("$data", SqliteType.Text);
                    foreach (var s in stats)
                    {
                        var values = new SortedDictionary<string, double>(StringComparer.Ordinal);
                        foreach (var kv in s.Values)
                        {
                            if (double.IsFinite(kv.Value)) values[kv.Key] = kv.Value;
                        }
                        sSeries.Value = SeriesId(s.Service, StatsType, s.Labels, tx);
                        sTime.Value = TimeUnits.ToNanos(s.Time);
                        sData.Value = JsonSerializer.Serialize(values, HistoryJsonContext.Default.SortedDictionaryStringDouble);
                        insertStats.ExecuteNonQuery();
                    }
                }
                tx.Commit();
            }
            maintain = MaintenanceDue();
        }
        if (maintain) Maintain();
    }

    /// <summary>Merges every profile that matches <paramref name="query"/> into one (samples with the same stack and
    /// labels added, as <see cref="Profile.Merge"/> does); null when nothing matches. A query label whose key is a
    /// series label selects series; any other key selects the samples that carry that label (e.g. an endpoint set
    /// with <c>Profiler.Labels</c>). The result's time is the earliest profile's start, its duration reaches to the
    /// latest profile's end.</summary>
    /// <exception cref="InvalidOperationException">Profiles of several types match (set <see cref="HistoryQuery.Type"/>),
    /// or the matching profiles have different sample types.</exception>
    public Profile? Query(HistoryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            ThrowIfUnusable();
            using var tx = _connection.BeginTransaction(deferred: true);
            CheckGeneration(tx);
            var series = MatchSeries(query, profileTypes: true, tx);
            if (series.Count == 0) return null;
            var types = series.Select(s => s.Type).Distinct(StringComparer.Ordinal).ToList();
            var merger = new SampleMerger(_codec);
            long firstStart = long.MaxValue, lastEnd = long.MinValue;
            bool any = false;
            foreach (var chunk in Chunks(series))
            {
                using var cmd = _connection.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = $"SELECT series, start_ns, duration_ns, header, samples FROM profiles WHERE series IN ({string.Join(',', chunk.Select(s => s.Id))}) AND start_ns >= $from AND start_ns < $to ORDER BY start_ns";
                cmd.Parameters.AddWithValue("$from", TimeUnits.ToNanos(query.From));
                cmd.Parameters.AddWithValue("$to", TimeUnits.ToNanos(query.To));
                var byId = chunk.ToDictionary(s => s.Id);
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!any && types.Count > 1)
                        throw new InvalidOperationException($"profiles of several types match ({string.Join(", ", types.Order(StringComparer.Ordinal))}); choose one type");
                    any = true;
                    var s = byId[r.GetInt64(0)];
                    long start = r.GetInt64(1), duration = r.GetInt64(2);
                    firstStart = Math.Min(firstStart, start);
                    lastEnd = Math.Max(lastEnd, start + duration);
                    merger.Add(r.GetInt64(3), (byte[])r[4], s.SampleFilter, tx);
                }
            }
            if (!any) return null;
            var profile = merger.Build(firstStart, lastEnd - firstStart, tx);
            // Profiles matched but none of their samples has the labels asked for.
            if (profile.Samples.Count == 0 && series.Any(s => s.SampleFilter != null)) return null;
            return profile;
        }
    }

    /// <summary>What the store holds: one entry per service and profile type (and one of type <see cref="StatsType"/>
    /// per service with stats), with label values, time range and count, ordered by service and type.</summary>
    public IReadOnlyList<SeriesInfo> ListSeries(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ThrowIfUnusable();
            using var tx = _connection.BeginTransaction(deferred: true);
            CheckGeneration(tx);
            var ranges = new Dictionary<long, (long First, long Last, long Count)>();
            foreach (string sql in new[]
            {
                "SELECT series, MIN(start_ns), MAX(start_ns + duration_ns), COUNT(*) FROM profiles GROUP BY series",
                "SELECT series, MIN(time_ns), MAX(time_ns), COUNT(*) FROM stats GROUP BY series",
            })
            {
                using var cmd = _connection.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = sql;
                using var r = cmd.ExecuteReader();
                while (r.Read()) ranges[r.GetInt64(0)] = (r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
            }
            cancellationToken.ThrowIfCancellationRequested();
            var groups = new SortedDictionary<(string Service, string Type), (SortedDictionary<string, SortedSet<string>> Labels, long First, long Last, long Count)>();
            foreach (var s in LoadSeries(tx))
            {
                if (!ranges.TryGetValue(s.Id, out var range)) continue;
                var key = (s.Service, s.Type);
                if (!groups.TryGetValue(key, out var g)) g = (new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal), long.MaxValue, long.MinValue, 0);
                foreach (var kv in s.Labels)
                {
                    if (!g.Labels.TryGetValue(kv.Key, out var values)) g.Labels[kv.Key] = values = new SortedSet<string>(StringComparer.Ordinal);
                    values.Add(kv.Value);
                }
                groups[key] = (g.Labels, Math.Min(g.First, range.First), Math.Max(g.Last, range.Last), g.Count + range.Count);
            }
            var result = new List<SeriesInfo>(groups.Count);
            foreach (var (key, g) in groups)
            {
                var labels = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                foreach (var kv in g.Labels) labels[kv.Key] = kv.Value.ToList();
                result.Add(new SeriesInfo(key.Service, key.Type, labels, TimeUnits.FromNanos(g.First), TimeUnits.FromNanos(g.Last), g.Count));
            }
            return result;
        }
    }

    /// <summary>For each profile type that matches <paramref name="query"/>, the total of the profiles' default sample
    /// value in each of <paramref name="buckets"/> equal buckets of the query's time range (a profile counts in the
    /// bucket where it starts; empty buckets are 0), ordered by type and time.</summary>
    public IReadOnlyList<TimelinePoint> Timeline(HistoryQuery query, int buckets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(buckets, 100_000);
        long from = TimeUnits.ToNanos(query.From), to = TimeUnits.ToNanos(query.To);
        if (to <= from) return Array.Empty<TimelinePoint>();
        lock (_gate)
        {
            ThrowIfUnusable();
            using var tx = _connection.BeginTransaction(deferred: true);
            CheckGeneration(tx);
            var series = MatchSeries(query, profileTypes: true, tx);
            var totals = new SortedDictionary<string, (long[] Values, string Unit)>(StringComparer.Ordinal);
            var filtered = new Dictionary<long, long>();
            foreach (var chunk in Chunks(series))
            {
                using var cmd = _connection.CreateCommand();
                cmd.Transaction = tx;
                bool decode = chunk.Any(s => s.SampleFilter != null);
                cmd.CommandText = $"SELECT series, start_ns, total, unit, header{(decode ? ", samples" : "")} FROM profiles WHERE series IN ({string.Join(',', chunk.Select(s => s.Id))}) AND start_ns >= $from AND start_ns < $to";
                cmd.Parameters.AddWithValue("$from", from);
                cmd.Parameters.AddWithValue("$to", to);
                var byId = chunk.ToDictionary(s => s.Id);
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var s = byId[r.GetInt64(0)];
                    long start = r.GetInt64(1), total = r.GetInt64(2);
                    if (s.SampleFilter != null) total = _codec.FilteredTotal(r.GetInt64(4), (byte[])r[5], s.SampleFilter, tx);
                    if (!totals.TryGetValue(s.Type, out var t)) totals[s.Type] = t = (new long[buckets], r.GetString(3));
                    int bucket = (int)Math.Min(buckets - 1, (long)((double)(start - from) / (to - from) * buckets));
                    t.Values[bucket] += total;
                }
            }
            var result = new List<TimelinePoint>(totals.Count * buckets);
            double width = (double)(to - from) / buckets;
            foreach (var (type, t) in totals)
            {
                for (int i = 0; i < buckets; i++) result.Add(new TimelinePoint(type, TimeUnits.FromNanos(from + (long)(i * width)), t.Values[i], t.Unit));
            }
            return result;
        }
    }

    /// <summary>The runtime stats points in the query's time range of the matching services and series labels
    /// (<see cref="HistoryQuery.Type"/> is ignored), ordered by time.</summary>
    public IReadOnlyList<StatsPoint> Stats(HistoryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            ThrowIfUnusable();
            using var tx = _connection.BeginTransaction(deferred: true);
            CheckGeneration(tx);
            var series = MatchSeries(query, profileTypes: false, tx);
            var result = new List<StatsPoint>();
            foreach (var chunk in Chunks(series))
            {
                using var cmd = _connection.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = $"SELECT series, time_ns, data FROM stats WHERE series IN ({string.Join(',', chunk.Select(s => s.Id))}) AND time_ns >= $from AND time_ns < $to";
                cmd.Parameters.AddWithValue("$from", TimeUnits.ToNanos(query.From));
                cmd.Parameters.AddWithValue("$to", TimeUnits.ToNanos(query.To));
                var byId = chunk.ToDictionary(s => s.Id);
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var s = byId[r.GetInt64(0)];
                    var values = JsonSerializer.Deserialize(r.GetString(2), HistoryJsonContext.Default.DictionaryStringDouble) ?? new Dictionary<string, double>();
                    result.Add(new StatsPoint(s.Service, s.Labels, TimeUnits.FromNanos(r.GetInt64(1)), values));
                }
            }
            result.Sort((a, b) => a.Time.CompareTo(b.Time));
            return result;
        }
    }

    /// <summary>Applies retention and downsampling: deletes profiles and stats older than
    /// <see cref="ProfileStoreOptions.Retention"/>, merges profiles older than
    /// <see cref="ProfileStoreOptions.MinuteResolutionAfter"/> into one per series and minute and those older than
    /// <see cref="ProfileStoreOptions.HourResolutionAfter"/> into one per series and hour, deletes the oldest data
    /// while the store is larger than <see cref="ProfileStoreOptions.MaxSizeBytes"/>, then drops stacks, locations,
    /// functions and strings no profile refers to any more. Each step is its own transaction.</summary>
    public void Maintain(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ThrowIfUnusable();
            if (_options.ReadOnly) throw new InvalidOperationException("the profile store is open read-only");
            var maintenance = new StoreMaintenance(_connection, _codec, _options);
            maintenance.Run(DateTime.UtcNow, cancellationToken);
            _nextMaintenanceCheck = NextMaintenanceCheck(DateTime.UtcNow);
        }
    }

    /// <summary>Closes the database.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _connection.Dispose();
        }
    }

    private void ThrowIfUnusable() => ObjectDisposedException.ThrowIf(_disposed, this);

    // Each process looks at the shared time of the last maintenance four times per interval (at most once a second).
    private DateTime NextMaintenanceCheck(DateTime now)
    {
        if (_options.MaintenanceInterval <= TimeSpan.Zero) return DateTime.MaxValue;
        long ticks = Math.Max(_options.MaintenanceInterval.Ticks / 4, TimeSpan.TicksPerSecond);
        return ticks >= DateTime.MaxValue.Ticks - now.Ticks ? DateTime.MaxValue : now.AddTicks(ticks);
    }

    // Whether this process should maintain the store now: the interval has passed since any process last did.
    private bool MaintenanceDue()
    {
        if (_options.MaintenanceInterval <= TimeSpan.Zero) return false;
        var now = DateTime.UtcNow;
        if (now < _nextMaintenanceCheck) return false;
        _nextMaintenanceCheck = NextMaintenanceCheck(now);
        long last = StoreSchema.Scalar(_connection, "SELECT value FROM meta WHERE key = 'last_maintenance_ns'");
        return TimeUnits.ToNanos(now) - last >= TimeUnits.ToNanos(_options.MaintenanceInterval);
    }

    // Maintenance deletes shared rows and bumps the store's generation; cached ids of an older generation are dropped.
    private void CheckGeneration(SqliteTransaction tx)
    {
        long generation = StoreSchema.Scalar(_connection, "SELECT value FROM meta WHERE key = 'generation'", tx);
        if (generation == _generation) return;
        _generation = generation;
        _seriesIds.Clear();
        _codec.ClearCaches();
    }

    private long SeriesId(string service, string type, IReadOnlyDictionary<string, string> labels, SqliteTransaction tx)
    {
        string encoded = SeriesKey.Encode(labels);
        var key = (service, type, encoded);
        if (_seriesIds.TryGetValue(key, out long id)) return id;
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO series (service, type, labels) VALUES ($s, $t, $l) ON CONFLICT DO NOTHING; SELECT id FROM series WHERE service = $s AND type = $t AND labels = $l";
        cmd.Parameters.AddWithValue("$s", service);
        cmd.Parameters.AddWithValue("$t", type);
        cmd.Parameters.AddWithValue("$l", encoded);
        id = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (_seriesIds.Count > 10_000) _seriesIds.Clear();
        _seriesIds[key] = id;
        return id;
    }

    private List<SeriesRow> LoadSeries(SqliteTransaction tx)
    {
        var list = new List<SeriesRow>();
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT id, service, type, labels FROM series";
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add(new SeriesRow(r.GetInt64(0), r.GetString(1), r.GetString(2), SeriesKey.Decode(r.GetString(3)), null));
        return list;
    }

    // The series a query selects, each with the sample-label filter the query's other labels make.
    private List<SeriesRow> MatchSeries(HistoryQuery query, bool profileTypes, SqliteTransaction tx)
    {
        var result = new List<SeriesRow>();
        foreach (var s in LoadSeries(tx))
        {
            if (query.Service != null && s.Service != query.Service) continue;
            if (profileTypes ? s.Type == StatsType || (query.Type != null && s.Type != query.Type) : s.Type != StatsType) continue;
            bool match = true;
            List<KeyValuePair<string, string>>? sampleLabels = null;
            foreach (var kv in query.Labels)
            {
                if (s.Labels.TryGetValue(kv.Key, out string? v))
                {
                    if (v != kv.Value) match = false;
                }
                else if (profileTypes)
                {
                    (sampleLabels ??= new()).Add(kv);
                }
                else
                {
                    match = false;
                }
            }
            if (match) result.Add(s with { SampleFilter = sampleLabels });
        }
        return result;
    }

    private static IEnumerable<List<SeriesRow>> Chunks(List<SeriesRow> series)
    {
        for (int i = 0; i < series.Count; i += 500) yield return series.GetRange(i, Math.Min(500, series.Count - i));
    }

    private static string Describe(SqliteException e) => e.SqliteErrorCode switch
    {
        26 => "file is not a database",
        11 => "database disk image is malformed",
        _ => e.Message,
    };
}
