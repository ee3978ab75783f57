using System.Text;

namespace Pprof.Cli.Driver;

/// <summary>A URL split the way Go's <c>net/url</c> does, enough to reproduce pprof's URL handling of profile sources.</summary>
internal sealed class GoUrl
{
    public string Scheme = "";
    public string Opaque = "";
    public string User = "";
    public string Host = "";
    public string Path = "";
    public string Fragment = "";
    private List<KeyValuePair<string, string>> _query = new();

    /// <summary>Parses like Go's <c>url.Parse</c>; null where Go reports an error.</summary>
    public static GoUrl? Parse(string raw)
    {
        var u = new GoUrl();
        int hash = raw.IndexOf('#');
        if (hash >= 0)
        {
            u.Fragment = raw[(hash + 1)..];
            raw = raw[..hash];
        }
        if (raw.Length == 0) return u;
        foreach (char c in raw)
        {
            if (c < 0x20 || c == 0x7F) return null;
        }
        string rest = raw;
        // Scheme: a letter, then letters, digits, + - . ; up to a colon.
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (char.IsAsciiLetter(c)) continue;
            if (char.IsAsciiDigit(c) || c is '+' or '-' or '.')
            {
                if (i == 0) break;
                continue;
            }
            if (c == ':')
            {
                if (i == 0) return null; // missing protocol scheme
                u.Scheme = raw[..i].ToLowerInvariant();
                rest = raw[(i + 1)..];
            }
            break;
        }
        int q = rest.IndexOf('?');
        if (q >= 0)
        {
            u._query = ParseQuery(rest[(q + 1)..]);
            rest = rest[..q];
        }
        if (!rest.StartsWith('/'))
        {
            if (u.Scheme.Length > 0)
            {
                u.Opaque = rest;
                return u;
            }
            int colon = rest.IndexOf(':');
            int slash = rest.IndexOf('/');
            if (colon >= 0 && (slash < 0 || colon < slash)) return null; // first path segment cannot contain colon
        }
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            string authority = rest[2..];
            int slash = authority.IndexOf('/');
            string path = slash >= 0 ? authority[slash..] : "";
            authority = slash >= 0 ? authority[..slash] : authority;
            int at = authority.LastIndexOf('@');
            if (at >= 0)
            {
                u.User = authority[..at];
                authority = authority[(at + 1)..];
            }
            if (!ValidHost(authority)) return null;
            u.Host = authority;
            rest = path;
        }
        u.Path = rest;
        return u;
    }

    private static bool ValidHost(string host)
    {
        string port;
        if (host.StartsWith('['))
        {
            int close = host.IndexOf(']');
            if (close < 0) return false;
            port = host[(close + 1)..];
            if (port.Length > 0 && port[0] != ':') return false;
        }
        else
        {
            int colon = host.LastIndexOf(':');
            port = colon >= 0 ? host[colon..] : "";
        }
        if (port.Length > 0)
        {
            for (int i = 1; i < port.Length; i++)
                if (!char.IsAsciiDigit(port[i])) return false;
        }
        return true;
    }

    private static List<KeyValuePair<string, string>> ParseQuery(string query)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var part in query.Split('&'))
        {
            if (part.Length == 0 || part.Contains(';')) continue;
            int eq = part.IndexOf('=');
            string k = eq >= 0 ? part[..eq] : part;
            string v = eq >= 0 ? part[(eq + 1)..] : "";
            string? uk = Unescape(k), uv = Unescape(v);
            if (uk == null || uv == null) continue;
            list.Add(new(uk, uv));
        }
        return list;
    }

    private static string? Unescape(string s)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '%')
            {
                if (i + 2 >= s.Length || !Uri.IsHexDigit(s[i + 1]) || !Uri.IsHexDigit(s[i + 2])) return null;
                bytes.Add((byte)Convert.ToInt32(s.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static string Escape(string s)
    {
        var sb = new StringBuilder();
        foreach (byte b in Encoding.UTF8.GetBytes(s))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~') sb.Append(c);
            else if (c == ' ') sb.Append('+');
            else sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>The first value of query parameter <paramref name="key"/>, or null.</summary>
    public string? GetQuery(string key)
    {
        foreach (var kv in _query)
            if (kv.Key == key) return kv.Value;
        return null;
    }

    /// <summary>Replaces every value of <paramref name="key"/> with <paramref name="value"/>.</summary>
    public void SetQuery(string key, string value)
    {
        _query.RemoveAll(kv => kv.Key == key);
        _query.Add(new(key, value));
    }

    /// <summary>The URL text, with the query encoded as Go's <c>url.Values.Encode</c> does (sorted by key).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Scheme.Length > 0) sb.Append(Scheme).Append(':');
        if (Opaque.Length > 0)
        {
            sb.Append(Opaque);
        }
        else
        {
            if (Scheme.Length > 0 || Host.Length > 0 || User.Length > 0)
            {
                if (Host.Length > 0 || Path.Length > 0 || User.Length > 0) sb.Append("//");
                if (User.Length > 0) sb.Append(User).Append('@');
                sb.Append(Host);
            }
            if (Path.Length > 0 && Path[0] != '/' && Host.Length > 0) sb.Append('/');
            sb.Append(Path);
        }
        if (_query.Count > 0)
        {
            var keys = _query.Select(kv => kv.Key).Distinct().OrderBy(k => k, StringComparer.Ordinal);
            var parts = new List<string>();
            foreach (var k in keys)
                foreach (var kv in _query)
                    if (kv.Key == k) parts.Add(Escape(k) + "=" + Escape(kv.Value));
            sb.Append('?').Append(string.Join("&", parts));
        }
        if (Fragment.Length > 0) sb.Append('#').Append(Fragment);
        return sb.ToString();
    }
}
