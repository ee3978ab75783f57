using System.Net;

namespace Pprof.Cli.Web;

/// <summary>Who may use the web UI and how. Bound to loopback (the default), it answers only clients on this machine
/// (pprof's rule) and only requests whose <c>Host</c> is a loopback name or the bound address, so a web page whose DNS
/// name was rebound to 127.0.0.1 cannot read the profile. Requests that change state (saving or deleting a
/// configuration) must be same-origin POSTs with a JSON body: a page on another site cannot make them.</summary>
internal sealed class WebAccess
{
    private readonly bool _loopbackOnly;
    private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase) { "localhost" };

    /// <param name="loopbackOnly">True when the UI listens on loopback addresses only.</param>
    /// <param name="boundHosts">The host names and addresses the UI was asked to listen on, as they appear in a URL
    /// (IPv6 in brackets); accepted in <c>Host</c> besides the loopback names.</param>
    public WebAccess(bool loopbackOnly, IEnumerable<string> boundHosts)
    {
        _loopbackOnly = loopbackOnly;
        foreach (var h in boundHosts) _hosts.Add(h);
    }

    /// <summary>Accepts everything: for tests of the views.</summary>
    public static WebAccess Open { get; } = new(false, Array.Empty<string>());

    /// <summary>Null when <paramref name="req"/> may be served, else the refusal (403).</summary>
    public WebResponse? Check(WebRequest req)
    {
        if (!_loopbackOnly) return null;
        if (!IPAddress.IsLoopback(req.Remote))
            return WebResponse.Plain(403, "forbidden: this server only answers requests from the local machine");
        string? host = req.Header("Host");
        if (host == null || !IsAllowedHost(host))
            return WebResponse.Plain(403, "forbidden: Host must name this machine (localhost or a loopback address)");
        return null;
    }

    private bool IsAllowedHost(string hostHeader)
    {
        string host = HostName(hostHeader);
        if (_hosts.Contains(host)) return true;
        string bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return IPAddress.TryParse(bare, out var a) && IPAddress.IsLoopback(a) && (host.StartsWith('[') || !bare.Contains(':'));
    }

    /// <summary>The host part of a <c>Host</c> header (<c>name</c>, <c>1.2.3.4</c>, <c>[::1]</c>), without the port.</summary>
    internal static string HostName(string hostHeader)
    {
        string h = hostHeader.Trim();
        if (h.StartsWith('['))
        {
            int close = h.IndexOf(']');
            return close < 0 ? h : h[..(close + 1)];
        }
        int colon = h.LastIndexOf(':');
        return colon < 0 ? h : h[..colon];
    }

    /// <summary>Null when <paramref name="req"/> is an acceptable state-changing request: a POST whose
    /// <c>Content-Type</c> is JSON and that a browser marks same-origin (an <c>Origin</c> equal to the request's own
    /// <c>http://Host</c>, a <c>Sec-Fetch-Site</c> of <c>same-origin</c>); tools that send neither header are accepted.
    /// Otherwise the refusal: 405, 403 or 415.</summary>
    public static WebResponse? CheckWrite(WebRequest req)
    {
        if (req.Method != "POST") return WebResponse.Plain(405, "use POST");
        string? origin = req.Header("Origin");
        if (origin != null && !string.Equals(origin, "http://" + req.Header("Host"), StringComparison.OrdinalIgnoreCase))
            return WebResponse.Plain(403, "forbidden: cross-origin request");
        string? site = req.Header("Sec-Fetch-Site");
        if (site != null && site != "same-origin")
            return WebResponse.Plain(403, "forbidden: cross-site request");
        string type = req.Header("Content-Type") ?? "";
        int semi = type.IndexOf(';');
        if (!(semi < 0 ? type : type[..semi]).Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase))
            return WebResponse.Plain(415, "want Content-Type: application/json");
        if (req.Body.Length > WebUiHost.MaxBodyBytes) return WebResponse.Plain(413, "request body too large");
        return null;
    }
}
