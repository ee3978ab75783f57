namespace Pprof.History;

/// <summary>Options of a <see cref="ProfileStore"/>: retention by age and size, and the downsampling policy.</summary>
public sealed class ProfileStoreOptions
{
    /// <summary>Profiles and stats older than this are deleted. Default 7 days.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The store's size limit in bytes: when the database holds more, the oldest profiles and stats are deleted
    /// until it fits. Default 2 GiB.</summary>
    public long MaxSizeBytes { get; set; } = 2L << 30;

    /// <summary>Profiles older than this are merged into one profile per series and minute. Default 1 hour;
    /// <see cref="TimeSpan.Zero"/> or less turns minute downsampling off.</summary>
    public TimeSpan MinuteResolutionAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Profiles older than this are merged into one profile per series and hour. Default 1 day;
    /// <see cref="TimeSpan.Zero"/> or less turns hour downsampling off.</summary>
    public TimeSpan HourResolutionAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often <see cref="ProfileStore.Write"/> runs <see cref="ProfileStore.Maintain"/> (shared by every
    /// process writing to the store). Default 5 minutes; <see cref="TimeSpan.Zero"/> or less: only when called.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an operation waits for another process's write to finish before failing. Default 30 seconds.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Opens the store read-only (no directory or database is created, <see cref="ProfileStore.Write"/> and
    /// <see cref="ProfileStore.Maintain"/> throw).</summary>
    public bool ReadOnly { get; set; }
}
