using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Pprof.AspNetCore.Internal;

/// <summary>Decides who may use the endpoints. Unless the endpoint carries authorization metadata or remote clients were
/// allowed, only loopback clients are served: both the transport peer (recorded before any middleware) and the
/// connection's current address must be loopback, and no forwarding header may name another address — a request that
/// came through a proxy on this host is remote, and a header naming a loopback address cannot make a remote peer local.</summary>
internal static class ClientGuard
{
    /// <summary>Headers with which proxies (and ForwardedHeadersMiddleware, which moves X-Forwarded-For to
    /// X-Original-For) name the original client.</summary>
    private static readonly string[] s_forwardingHeaders =
    {
        "X-Forwarded-For", "X-Original-For", "Forwarded", "X-Real-IP", "True-Client-IP", "X-Client-IP",
    };

    /// <summary>True when the endpoint requires authorization (the authorization middleware then decides).</summary>
    public static bool HasAuthorization(Endpoint? endpoint)
    {
        if (endpoint == null) return false;
        var metadata = endpoint.Metadata;
        if (metadata.GetMetadata<IAllowAnonymous>() != null) return false;
        return metadata.GetMetadata<IAuthorizeData>() != null || metadata.GetMetadata<AuthorizationPolicy>() != null;
    }

    /// <summary>True when the request comes from this host, directly.</summary>
    public static bool IsLoopbackClient(HttpContext context)
    {
        var transport = context.Features.Get<TransportPeer>();
        if (transport == null || !IsLoopback(transport.RemoteIpAddress)) return false;
        if (!IsLoopback(context.Connection.RemoteIpAddress)) return false;
        foreach (var name in s_forwardingHeaders)
        {
            if (context.Request.Headers.TryGetValue(name, out var values) && !AllLoopback(name, values)) return false;
        }
        return true;
    }

    internal static bool IsLoopback(IPAddress? address)
    {
        if (address == null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return IPAddress.IsLoopback(address);
    }

    private static bool AllLoopback(string header, StringValues values)
    {
        foreach (var value in values)
        {
            if (value == null) continue;
            foreach (var part in value.Split(','))
            {
                string element = part.Trim();
                if (element.Length == 0) continue;
                if (header == "Forwarded")
                {
                    foreach (var pair in element.Split(';'))
                    {
                        string p = pair.Trim();
                        if (p.StartsWith("for=", StringComparison.OrdinalIgnoreCase) && !IsLoopback(ParseNode(p[4..]))) return false;
                    }
                }
                else if (!IsLoopback(ParseNode(element)))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>Parses <c>1.2.3.4</c>, <c>1.2.3.4:80</c>, <c>[::1]:80</c>, <c>"[::1]"</c>, <c>::1</c>; null for anything
    /// else (obfuscated or unknown nodes count as remote).</summary>
    internal static IPAddress? ParseNode(string node)
    {
        string s = node.Trim().Trim('"');
        if (s.StartsWith('['))
        {
            int close = s.IndexOf(']');
            if (close < 0) return null;
            s = s[1..close];
        }
        else if (s.Count(c => c == ':') == 1)
        {
            s = s[..s.IndexOf(':')];
        }
        return IPAddress.TryParse(s, out var address) ? address : null;
    }
}
