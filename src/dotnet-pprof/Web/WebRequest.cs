using System.Net;

namespace Pprof.Cli.Web;

/// <summary>One HTTP request as the web UI sees it: what the views and the access rules need, independent of the
/// server that received it.</summary>
internal sealed class WebRequest
{
    public WebRequest(string method, string path, IReadOnlyDictionary<string, string> query, IPAddress remote, string body = "",
        IReadOnlyDictionary<string, string>? headers = null)
    {
        Method = method;
        Path = path;
        Query = query;
        Remote = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        Body = body;
        Headers = headers ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>GET, POST, ...</summary>
    public string Method { get; }

    /// <summary>The decoded path, e.g. <c>/ui/top</c>.</summary>
    public string Path { get; }

    /// <summary>The decoded query parameters (the first value of each).</summary>
    public IReadOnlyDictionary<string, string> Query { get; }

    /// <summary>The client's address (IPv4-mapped IPv6 addresses as IPv4).</summary>
    public IPAddress Remote { get; }

    /// <summary>The request body, as text (bounded by the server: see <see cref="WebUiHost.MaxBodyBytes"/>).</summary>
    public string Body { get; }

    /// <summary>The request headers the UI looks at (<c>Host</c>, <c>Origin</c>, <c>Sec-Fetch-Site</c>,
    /// <c>Content-Type</c>), case-insensitive by name.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The value of query parameter <paramref name="name"/>, or "".</summary>
    public string Get(string name) => Query.TryGetValue(name, out var v) ? v : "";

    /// <summary>The value of header <paramref name="name"/>, or null when absent.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    /// <summary>Parses a query string (without the leading <c>?</c>).</summary>
    public static Dictionary<string, string> ParseQuery(string query)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            string k = Decode(eq < 0 ? part : part[..eq]);
            string v = eq < 0 ? "" : Decode(part[(eq + 1)..]);
            d.TryAdd(k, v);
        }
        return d;
    }

    private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
}
