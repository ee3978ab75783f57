using System.Net;

namespace Pprof.Cli.Web;

/// <summary>One HTTP request as the web UI sees it.</summary>
internal sealed class WebRequest
{
    public WebRequest(string method, string path, IReadOnlyDictionary<string, string> query, IPAddress remote, string body = "")
    {
        Method = method;
        Path = path;
        Query = query;
        Remote = remote;
        Body = body;
    }

    /// <summary>GET, POST, ...</summary>
    public string Method { get; }

    /// <summary>The decoded path, e.g. <c>/top</c>.</summary>
    public string Path { get; }

    /// <summary>The decoded query parameters (the first value of each).</summary>
    public IReadOnlyDictionary<string, string> Query { get; }

    /// <summary>The client's address.</summary>
    public IPAddress Remote { get; }

    /// <summary>The request body, as text.</summary>
    public string Body { get; }

    /// <summary>The value of query parameter <paramref name="name"/>, or "".</summary>
    public string Get(string name) => Query.TryGetValue(name, out var v) ? v : "";

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
