namespace Pprof.History.Internal;

/// <summary>Conversions between <see cref="DateTime"/> (UTC) and the store's Unix nanoseconds.</summary>
internal static class TimeUnits
{
    public static long ToNanos(DateTime time)
    {
        if (time.Kind == DateTimeKind.Local) time = time.ToUniversalTime();
        if (time <= DateTime.UnixEpoch) return 0;
        return (time.Ticks - DateTime.UnixEpoch.Ticks) * 100;
    }

    public static DateTime FromNanos(long nanos) => new(DateTime.UnixEpoch.Ticks + nanos / 100, DateTimeKind.Utc);

    public static long ToNanos(TimeSpan span) => span <= TimeSpan.Zero ? 0 : span.Ticks * 100;
}
