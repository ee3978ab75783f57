using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebSockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pprof.Runtime.Dashboard;
using Pprof.Runtime.Stats;

namespace Pprof.AspNetCore.Internal;

/// <summary>The handlers of <c>MapStatsviz</c>: the dashboard's page and assets (<see cref="DashboardAssets"/>) and
/// its WebSocket (<see cref="DashboardProtocol"/>, this process's <see cref="RuntimeStatsReader"/> every second).</summary>
internal sealed class StatsvizEndpoints
{
    /// <summary>Dashboard clients served at once; more get 429 (each reads the runtime's statistics every second).</summary>
    internal const int MaxClients = 8;

    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);

    private readonly EndpointGuard _guard;
    private readonly EndpointDataSource _endpoints;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SemaphoreSlim _clients = new(MaxClients, MaxClients);

    public StatsvizEndpoints(EndpointGuard guard, EndpointDataSource endpoints, ILoggerFactory loggerFactory)
    {
        _guard = guard;
        _endpoints = endpoints;
        _loggerFactory = loggerFactory;
    }

    /// <summary>The page at {pattern}/; {pattern} redirects there, so that the page's relative URLs (script, ws) resolve.</summary>
    public Task Page(HttpContext context) => _guard.Serve(context, null, () =>
    {
        string path = context.Request.Path.Value ?? "";
        if (!path.EndsWith('/'))
        {
            context.Response.Redirect(context.Request.PathBase + path + "/" + context.Request.QueryString);
            return Task.CompletedTask;
        }
        return ServeAsset(context, "index.html");
    });

    public Task Asset(HttpContext context) => _guard.Serve(context, null, () => ServeAsset(context, context.GetRouteValue("asset") as string ?? ""));

    private static async Task ServeAsset(HttpContext context, string name)
    {
        if (!DashboardAssets.TryGet(name, out var content, out string type))
        {
            await PprofResponses.ServeError(context, StatusCodes.Status404NotFound, "404 page not found");
            return;
        }
        context.Response.ContentType = type;
        context.Response.ContentLength = content.Length;
        context.Response.Headers.CacheControl = "no-store";
        // The page runs only its own script and connects only to its own server.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";
        await context.Response.Body.WriteAsync(content, context.RequestAborted);
    }

    public Task WebSocket(HttpContext context) => _guard.Serve(context, null, async () =>
    {
        // Kestrel offers the upgrade; the middleware's handshake makes HttpContext.WebSockets work without UseWebSockets.
        var middleware = new WebSocketMiddleware(Stream, Options.Create(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) }), _loggerFactory);
        await middleware.Invoke(context);
    });

    private async Task Stream(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await PprofResponses.ServeError(context, StatusCodes.Status400BadRequest, "this is the dashboard's WebSocket: open the page instead");
            return;
        }
        // Browsers let any page open a WebSocket to any server: only the dashboard's own page may.
        string? origin = context.Request.Headers.Origin;
        if (!string.IsNullOrEmpty(origin) && !string.Equals(origin, context.Request.Scheme + "://" + context.Request.Host, StringComparison.OrdinalIgnoreCase))
        {
            await PprofResponses.ServeError(context, StatusCodes.Status403Forbidden, "cross-origin WebSocket refused");
            return;
        }
        if (!_clients.Wait(0))
        {
            await PprofResponses.ServeError(context, StatusCodes.Status429TooManyRequests, $"too many dashboard clients (limit {MaxClients})");
            return;
        }
        try
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var (captures, note) = Captures(context);
            byte[] hello = DashboardProtocol.Hello(Environment.ProcessId, "in-process", s_interval, captures, note);
            await DashboardProtocol.ServeAsync(socket, hello, RuntimeStatsReader.WatchAsync(s_interval, context.RequestAborted), context.RequestAborted);
        }
        finally
        {
            _clients.Release();
        }
    }

    /// <summary>Buttons linking to the pprof endpoints when <c>MapPprof</c> is mapped (found among the application's
    /// endpoints by its display name), else a note saying how to get them.</summary>
    private (IReadOnlyList<DashboardCapture> Captures, string? Note) Captures(HttpContext context)
    {
        string? profile = null;
        foreach (var e in _endpoints.Endpoints)
        {
            if (e is RouteEndpoint r && r.DisplayName == "pprof profile" && r.RoutePattern.RawText is { } raw)
            {
                profile = "/" + raw.Trim('/');
                break;
            }
        }
        if (profile == null) return (Array.Empty<DashboardCapture>(), "Map the pprof endpoints (app.MapPprof()) for buttons that capture profiles.");
        string prefix = context.Request.PathBase + profile[..profile.LastIndexOf('/')];
        bool heap = _guard.Options.HeapProfiling;
        var list = new List<DashboardCapture>
        {
            new("cpu", "capture cpu 10 s", prefix + "/profile?seconds=10"),
            heap ? new("heap", "heap", prefix + "/heap") : new("allocs", "allocs (heap profiling is off)", prefix + "/allocs"),
            new("goroutine", "goroutine", prefix + "/goroutine"),
        };
        return (list, heap ? null : "The heap button downloads allocs: switch heap profiling on with PprofOptions.HeapProfiling for inuse_space.");
    }
}
