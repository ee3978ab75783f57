using System.Globalization;

namespace Pprof.Report.Reports;

/// <summary>Formats profile times the way pprof's report header does: Go's layout
/// <c>"Jan 2, 2006 at 3:04pm (MST)"</c> in the local time zone.</summary>
internal static class GoTime
{
    private static readonly string[] s_months = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

    /// <summary>Formats <paramref name="unixNanos"/> (nanoseconds since the epoch) in local time.</summary>
    internal static string FormatHeaderTime(long unixNanos) => FormatHeaderTime(unixNanos, s_localZone.Value);

    internal static string FormatHeaderTime(long unixNanos, ZoneInfo zone)
    {
        var utc = DateTimeOffset.FromUnixTimeMilliseconds(0).AddTicks(unixNanos / 100);
        if (unixNanos % 100 < 0) utc = utc.AddTicks(-1); // floor, as Go's time.Unix normalizes negative nanoseconds
        TimeSpan offset = zone.Tz.GetUtcOffset(utc.UtcDateTime);
        var local = utc.ToOffset(offset);
        bool dst = zone.Tz.IsDaylightSavingTime(utc.UtcDateTime);
        string abbr = dst ? zone.DstAbbr : zone.StdAbbr;
        if (abbr.Length == 0) abbr = NumericZone(offset);
        int hour12 = local.Hour % 12;
        if (hour12 == 0) hour12 = 12;
        return string.Create(CultureInfo.InvariantCulture,
            $"{s_months[local.Month - 1]} {local.Day}, {local.Year} at {hour12}:{local.Minute:00}{(local.Hour < 12 ? "am" : "pm")} ({abbr})");
    }

    private static string NumericZone(TimeSpan offset)
    {
        // Go prints zones without an abbreviation as -0700 style ("+03" when minutes are zero).
        char sign = offset < TimeSpan.Zero ? '-' : '+';
        var a = offset.Duration();
        return a.Minutes == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{sign}{a.Hours:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{sign}{a.Hours:00}{a.Minutes:00}");
    }

    internal sealed record ZoneInfo(TimeZoneInfo Tz, string StdAbbr, string DstAbbr);

    private static readonly Lazy<ZoneInfo> s_localZone = new(DetectLocalZone);

    private static ZoneInfo DetectLocalZone()
    {
        string? tz = Environment.GetEnvironmentVariable("TZ");
        if (tz != null && (tz.Length == 0 || tz == "UTC" || tz == ":UTC")) return new ZoneInfo(TimeZoneInfo.Utc, "UTC", "UTC");
        var local = TimeZoneInfo.Local;
        string? file = null;
        if (!string.IsNullOrEmpty(tz))
        {
            string name = tz.TrimStart(':');
            file = Path.IsPathRooted(name) ? name : Path.Combine("/usr/share/zoneinfo", name);
        }
        else if (File.Exists("/etc/localtime"))
        {
            file = "/etc/localtime";
        }
        if (file != null && TryReadAbbreviations(file, out string std, out string dstAbbr)) return new ZoneInfo(local, std, dstAbbr);
        if (local.BaseUtcOffset == TimeSpan.Zero && !local.SupportsDaylightSavingTime) return new ZoneInfo(local, "UTC", "UTC");
        return new ZoneInfo(local, "", "");
    }

    /// <summary>Reads the standard and daylight abbreviations from the POSIX TZ string at the end of a TZif file.</summary>
    private static bool TryReadAbbreviations(string file, out string std, out string dst)
    {
        std = dst = "";
        try
        {
            byte[] data = File.ReadAllBytes(file);
            if (data.Length < 4 || data[0] != (byte)'T' || data[1] != (byte)'Z' || data[2] != (byte)'i' || data[3] != (byte)'f') return false;
            int end = data.Length;
            while (end > 0 && data[end - 1] == (byte)'\n') end--;
            int start = end;
            while (start > 0 && data[start - 1] != (byte)'\n') start--;
            string footer = System.Text.Encoding.ASCII.GetString(data, start, end - start);
            int pos = 0;
            std = ReadAbbr(footer, ref pos);
            if (std.Length == 0) return false;
            while (pos < footer.Length && (char.IsDigit(footer[pos]) || footer[pos] is '+' or '-' or ':')) pos++;
            dst = ReadAbbr(footer, ref pos);
            if (dst.Length == 0) dst = std;
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string ReadAbbr(string s, ref int pos)
    {
        if (pos < s.Length && s[pos] == '<')
        {
            int close = s.IndexOf('>', pos);
            if (close < 0) return "";
            string a = s.Substring(pos + 1, close - pos - 1);
            pos = close + 1;
            return a;
        }
        int start = pos;
        while (pos < s.Length && char.IsAsciiLetter(s[pos])) pos++;
        return s.Substring(start, pos - start);
    }
}
