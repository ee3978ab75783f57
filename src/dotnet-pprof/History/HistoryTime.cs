using System.Globalization;
using Pprof.Cli.Collect;

namespace Pprof.Cli.History;

/// <summary>The times of <c>history -from/-to</c>: <c>now</c>, relative to now (<c>-1h</c>, <c>-30m</c>, <c>-1h30m</c>,
/// <c>-7d</c>), RFC 3339 (<c>2026-03-01T12:00:00Z</c>, <c>2026-03-01T12:00:00+01:00</c>, or a date
/// <c>2026-03-01</c>, UTC), or Unix seconds (<c>1772366400</c>).</summary>
internal static class HistoryTime
{
    private static readonly string[] s_formats =
    {
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd",
    };

    /// <summary>Parses <paramref name="text"/> as a UTC time, relative to <paramref name="now"/> where it is relative.</summary>
    public static bool TryParse(string text, DateTime now, out DateTime time)
    {
        time = default;
        text = text.Trim();
        if (text.Length == 0 || text.Length > 64) return false;
        if (text == "now")
        {
            time = now;
            return true;
        }
        if (text[0] is '-' or '+')
        {
            string span = text[1..];
            TimeSpan d;
            if (span.EndsWith('d') && long.TryParse(span.AsSpan(0, span.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long days) && days is > 0 and <= 100_000)
                d = TimeSpan.FromDays(days);
            else if (span.Length == 0 || !char.IsAsciiDigit(span[0]) || span.All(char.IsAsciiDigit) || span.Contains(':') || !CollectCommands.TryParseDuration(span, out d))
                return false;
            time = text[0] == '-' ? now - d : now + d;
            return time.Year is > 1970 and < 9999;
        }
        if (text.All(char.IsAsciiDigit))
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) || seconds > 253_402_300_799L) return false;
            time = DateTime.UnixEpoch.AddSeconds(seconds);
            return true;
        }
        if (DateTimeOffset.TryParseExact(text, s_formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var dto))
        {
            time = dto.UtcDateTime;
            return true;
        }
        return false;
    }

    /// <summary>A time as the history verb prints it: RFC 3339, UTC, whole seconds.</summary>
    public static string Format(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
