using Microsoft.Data.Sqlite;

namespace Pprof.History.Internal;

/// <summary>The store's tables. Profiles refer to shared, deduplicated strings, functions, mappings, locations,
/// stacks and label sets (see docs/history.md); every table is created on first open.</summary>
internal static class StoreSchema
{
    /// <summary>The schema version in <c>PRAGMA user_version</c>; a store with another version is refused.</summary>
    public const int Version = 1;

    public const string FileName = "profiles.db";

    public static readonly string[] Statements =
    {
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, service TEXT NOT NULL, type TEXT NOT NULL, labels TEXT NOT NULL, UNIQUE (service, type, labels))",
        "CREATE TABLE IF NOT EXISTS headers (id INTEGER PRIMARY KEY, data BLOB NOT NULL UNIQUE)",
        "CREATE TABLE IF NOT EXISTS strings (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE)",
        "CREATE TABLE IF NOT EXISTS functions (id INTEGER PRIMARY KEY, name INTEGER NOT NULL, system_name INTEGER NOT NULL, filename INTEGER NOT NULL, start_line INTEGER NOT NULL, UNIQUE (name, system_name, filename, start_line))",
        "CREATE TABLE IF NOT EXISTS mappings (id INTEGER PRIMARY KEY, hash INTEGER NOT NULL UNIQUE, data BLOB NOT NULL)",
        "CREATE TABLE IF NOT EXISTS locations (id INTEGER PRIMARY KEY, hash INTEGER NOT NULL UNIQUE, data BLOB NOT NULL)",
        "CREATE TABLE IF NOT EXISTS stacks (id INTEGER PRIMARY KEY, hash INTEGER NOT NULL UNIQUE, data BLOB NOT NULL)",
        "CREATE TABLE IF NOT EXISTS label_sets (id INTEGER PRIMARY KEY, hash INTEGER NOT NULL UNIQUE, data BLOB NOT NULL)",
        "CREATE TABLE IF NOT EXISTS profiles (id INTEGER PRIMARY KEY, series INTEGER NOT NULL, start_ns INTEGER NOT NULL, duration_ns INTEGER NOT NULL, resolution INTEGER NOT NULL, header INTEGER NOT NULL, total INTEGER NOT NULL, unit TEXT NOT NULL, samples BLOB NOT NULL)",
        "CREATE INDEX IF NOT EXISTS profiles_by_series_start ON profiles (series, start_ns)",
        "CREATE INDEX IF NOT EXISTS profiles_by_start ON profiles (start_ns)",
        "CREATE TABLE IF NOT EXISTS stats (id INTEGER PRIMARY KEY, series INTEGER NOT NULL, time_ns INTEGER NOT NULL, data TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS stats_by_series_time ON stats (series, time_ns)",
        "CREATE INDEX IF NOT EXISTS stats_by_time ON stats (time_ns)",
    };

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public static long Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        object? v = cmd.ExecuteScalar();
        return v is null or DBNull ? 0 : Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture);
    }
}
