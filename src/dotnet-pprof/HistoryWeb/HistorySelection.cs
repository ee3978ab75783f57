using System.Globalization;
using System.Text;
using Pprof.Cli.Web;
using Pprof.History;

namespace Pprof.Cli.HistoryWeb;

/// <summary>What the history UI shows below the timeline: the profiles of one type (and service, and labels) in a
/// time range, merged; with a base range, the range compared against the base as <c>-diff_base</c> compares.
/// It travels in URLs as a token (<see cref="Token"/>): the base64url form of a query string, so a selection's
/// pages are addressable, survive a restart of the server and need no state on it. Everything parsed from a token or
/// query parameters is bounded (<see cref="TryParse"/>).</summary>
internal sealed record HistorySelection
{
    /// <summary>The longest token accepted.</summary>
    public const int MaxTokenLength = 4096;

    /// <summary>The most label filters in a selection.</summary>
    public const int MaxLabels = 16;

    /// <summary>The longest label key, label value, service or type name.</summary>
    public const int MaxNameLength = 256;

    /// <summary>The prefix of label filter parameters: <c>l.KEY=VALUE</c>.</summary>
    public const string LabelPrefix = "l.";

    /// <summary>The latest time accepted, in Unix milliseconds (the end of year 9999).</summary>
    public const long MaxUnixMilliseconds = 253_402_300_799_999;

    private static readonly IReadOnlyDictionary<string, string> s_noLabels = new SortedDictionary<string, string>(StringComparer.Ordinal);

    public string? Service { get; init; }

    public required string Type { get; init; }

    /// <summary>The range shown (UTC): from inclusive, to exclusive.</summary>
    public required DateTime From { get; init; }

    public required DateTime To { get; init; }

    /// <summary>The base range, for a comparison; null for one range.</summary>
    public DateTime? BaseFrom { get; init; }

    public DateTime? BaseTo { get; init; }

    /// <summary>Label filters, by key (ordinal order).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = s_noLabels;

    /// <summary>True when the selection compares the range against a base range.</summary>
    public bool IsDiff => BaseFrom != null;

    /// <summary>The store query of the range.</summary>
    public HistoryQuery Query => new() { Service = Service, Type = Type, From = From, To = To, Labels = Labels };

    /// <summary>The store query of the base range (null without one).</summary>
    public HistoryQuery? BaseQuery => BaseFrom is { } f && BaseTo is { } t
        ? new HistoryQuery { Service = Service, Type = Type, From = f, To = t, Labels = Labels }
        : null;

    /// <summary>The canonical query string: the same selection always gives the same string.</summary>
    public string ToQueryString()
    {
        var sb = new StringBuilder();
        if (Service != null) Add(sb, "service", Service);
        Add(sb, "type", Type);
        Add(sb, "from", Unix(From));
        Add(sb, "to", Unix(To));
        if (BaseFrom is { } bf && BaseTo is { } bt)
        {
            Add(sb, "base_from", Unix(bf));
            Add(sb, "base_to", Unix(bt));
        }
        foreach (var (k, v) in Labels) Add(sb, LabelPrefix + k, v);
        return sb.ToString();
    }

    private static void Add(StringBuilder sb, string key, string value)
    {
        if (sb.Length > 0) sb.Append('&');
        sb.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
    }

    /// <summary>The selection as a URL path segment (base64url of <see cref="ToQueryString"/>).</summary>
    public string Token => Convert.ToBase64String(Encoding.UTF8.GetBytes(ToQueryString())).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Parses a token made by <see cref="Token"/> (or by the page's script, which makes the same).</summary>
    public static bool TryParseToken(string token, out HistorySelection? selection, out string error)
    {
        selection = null;
        if (token.Length == 0 || token.Length > MaxTokenLength)
        {
            error = $"bad selection: want 1 to {MaxTokenLength} characters";
            return false;
        }
        string b64 = token.Replace('-', '+').Replace('_', '/');
        b64 += (b64.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(b64);
        }
        catch (FormatException)
        {
            error = "bad selection: not base64url";
            return false;
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            error = "bad selection: not UTF-8";
            return false;
        }
        return TryParse(WebRequest.ParseQuery(text), out selection, out error);
    }

    /// <summary>Parses a selection from parameters: <c>type</c>, <c>from</c> and <c>to</c> (Unix milliseconds, UTC),
    /// optionally <c>service</c>, <c>base_from</c> and <c>base_to</c>, and label filters <c>l.KEY=VALUE</c>.</summary>
    public static bool TryParse(IReadOnlyDictionary<string, string> query, out HistorySelection? selection, out string error)
    {
        selection = null;
        if (!TryName(query, "type", required: true, out string? type, out error)) return false;
        if (!TryName(query, "service", required: false, out string? service, out error)) return false;
        if (!TryRange(query, "from", "to", required: true, out var from, out var to, out error)) return false;
        if (!TryRange(query, "base_from", "base_to", required: false, out var baseFrom, out var baseTo, out error)) return false;
        if (!TryLabels(query, out var labels, out error)) return false;
        selection = new HistorySelection
        {
            Service = service,
            Type = type!,
            From = from!.Value,
            To = to!.Value,
            BaseFrom = baseFrom,
            BaseTo = baseTo,
            Labels = labels,
        };
        return true;
    }

    /// <summary>Reads name parameter <paramref name="key"/>: at most <see cref="MaxNameLength"/> characters, no
    /// control characters; an empty or missing one is null (an error when <paramref name="required"/>).</summary>
    public static bool TryName(IReadOnlyDictionary<string, string> query, string key, bool required, out string? value, out string error)
    {
        error = "";
        value = query.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
        if (value == null)
        {
            if (!required) return true;
            error = $"missing parameter {key}";
            return false;
        }
        if (!IsName(value))
        {
            error = $"bad parameter {key}: want 1 to {MaxNameLength} printable characters";
            value = null;
            return false;
        }
        return true;
    }

    private static bool IsName(string s) => s.Length is > 0 and <= MaxNameLength && !s.Any(char.IsControl);

    /// <summary>Reads a time range from parameters <paramref name="fromKey"/> and <paramref name="toKey"/> (Unix
    /// milliseconds): both or neither (an error when <paramref name="required"/>), from before to.</summary>
    public static bool TryRange(IReadOnlyDictionary<string, string> query, string fromKey, string toKey, bool required,
        out DateTime? from, out DateTime? to, out string error)
    {
        from = null;
        to = null;
        error = "";
        bool hasFrom = query.TryGetValue(fromKey, out var f) && f.Length > 0;
        bool hasTo = query.TryGetValue(toKey, out var t) && t.Length > 0;
        if (!hasFrom && !hasTo && !required) return true;
        if (!hasFrom || !hasTo)
        {
            error = $"want both {fromKey} and {toKey} (Unix milliseconds)";
            return false;
        }
        if (!TryTime(f!, out var a) || !TryTime(t!, out var b))
        {
            error = $"bad {fromKey}/{toKey}: want Unix milliseconds between 0 and {MaxUnixMilliseconds}";
            return false;
        }
        if (b <= a)
        {
            error = $"bad range: {toKey} must be after {fromKey}";
            return false;
        }
        from = a;
        to = b;
        return true;
    }

    /// <summary>Parses Unix milliseconds (a time in years 1970 to 9999) as a UTC time.</summary>
    public static bool TryTime(string s, out DateTime time)
    {
        time = default;
        if (s.Length > 20 || !long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long ms) || ms > MaxUnixMilliseconds) return false;
        time = DateTime.UnixEpoch.AddMilliseconds(ms);
        return true;
    }

    /// <summary>Reads the label filters (<c>l.KEY=VALUE</c>), bounded by <see cref="MaxLabels"/> and
    /// <see cref="MaxNameLength"/>; an empty value is no filter.</summary>
    public static bool TryLabels(IReadOnlyDictionary<string, string> query, out IReadOnlyDictionary<string, string> labels, out string error)
    {
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        labels = d;
        error = "";
        foreach (var (k, v) in query)
        {
            if (!k.StartsWith(LabelPrefix, StringComparison.Ordinal) || v.Length == 0) continue;
            string key = k[LabelPrefix.Length..];
            if (!IsName(key) || !IsName(v))
            {
                error = $"bad label filter {Shorten(k)}: keys and values have 1 to {MaxNameLength} printable characters";
                return false;
            }
            if (d.Count == MaxLabels)
            {
                error = $"at most {MaxLabels} label filters";
                return false;
            }
            d[key] = v;
        }
        return true;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>A time as Unix milliseconds.</summary>
    public static string Unix(DateTime t) =>
        ((long)(t - DateTime.UnixEpoch).TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>A short description: type, service, labels and range(s), for page titles.</summary>
    public string Describe()
    {
        var sb = new StringBuilder(Type);
        if (Service != null) sb.Append(" \u00b7 ").Append(Service);
        foreach (var (k, v) in Labels) sb.Append(" \u00b7 ").Append(k).Append('=').Append(v);
        sb.Append(" \u00b7 ");
        if (BaseFrom is { } bf && BaseTo is { } bt) sb.Append(Range(bf, bt)).Append(" \u2192 ");
        sb.Append(Range(From, To));
        return sb.ToString();
    }

    private static string Range(DateTime from, DateTime to) =>
        from.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "\u2013" +
        to.ToString(from.Date == to.Date ? "HH:mm:ss" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
}
