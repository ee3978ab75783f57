using System.Net;

namespace Pprof.AspNetCore.Internal;

/// <summary>The connection's addresses as the server saw them, recorded before any application middleware (forwarded
/// headers middleware among them) could rewrite <c>HttpContext.Connection</c>.</summary>
internal sealed record TransportPeer(IPAddress? RemoteIpAddress, int LocalPort);
