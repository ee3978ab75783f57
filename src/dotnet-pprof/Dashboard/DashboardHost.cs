using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pprof.Cli.Web;
using Pprof.Runtime;
using Pprof.Runtime.Dashboard;
using Pprof.Runtime.Stats;

namespace Pprof.Cli.Dashboard;

/// <summary>The server of <c>dotnet-pprof dashboard</c>: Kestrel with the web UI's limits and access rules
/// (<see cref="WebAccess"/>: loopback clients and host names only when bound to loopback), serving the shared
/// dashboard page (<see cref="DashboardAssets"/>) at <c>/debug/statsviz/</c>, its WebSocket (<see
/// cref="DashboardProtocol"/>, the process's statistics read from outside every second) and capture endpoints that
/// collect a profile from the process (<c>/debug/statsviz/capture/cpu</c>, <c>heap</c>, <c>goroutine</c>).</summary>
internal sealed class DashboardHost : IDisposable
{
    /// <summary>Where the page is served.</summary>
    public const string PagePath = "/debug/statsviz/";

    /// <summary>Dashboard clients served at once (each reads the process's counters over its own EventPipe session).</summary>
    public const int MaxClients = 4;

    /// <summary>How long the cpu and heap captures collect.</summary>
    public static readonly TimeSpan CaptureDuration = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);

    private readonly WebApplication _app;
    private readonly int _pid;
    private readonly WebAccess _access;
    private readonly SemaphoreSlim _clients = new(MaxClients, MaxClients);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _captures = new(StringComparer.Ordinal);

    private DashboardHost(WebApplication app, int pid, WebAccess access)
    {
        _app = app;
        _pid = pid;
        _access = access;
    }

    /// <summary>The port listened on.</summary>
    public int Port { get; private set; }

    /// <summary>Cancelled when the server is told to stop (SIGTERM, Ctrl+C).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>The capture buttons: kind, label, collection duration (null: a snapshot).</summary>
    internal static readonly (string Kind, string Label, TimeSpan? Duration)[] CaptureKinds =
    {
        ("cpu", "capture cpu 10 s", CaptureDuration),
        ("heap", "heap 10 s", CaptureDuration),
        ("goroutine", "goroutine", null),
    };

    /// <summary>Starts serving the dashboard of process <paramref name="pid"/> at <paramref name="hostport"/>
    /// (<c>[host]:[port]</c>, as <c>-http</c>); <paramref name="url"/> is the page's address.</summary>
    public static DashboardHost Start(string hostport, int pid, out string url)
    {
        var (host, port) = WebServer.ParseHostPort(hostport);
        var addresses = WebServer.Resolve(host);
        bool loopback = addresses.All(IPAddress.IsLoopback);
        var access = new WebAccess(loopback, addresses.Select(WebServer.FormatHost).Append(host));
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        int connections = WebUiHost.ConnectionLimit();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxConcurrentConnections = connections;
            k.Limits.MaxRequestBodySize = WebUiHost.MaxBodyBytes;
            k.Limits.RequestHeadersTimeout = WebUiHost.HeadersTimeout;
            k.Limits.KeepAliveTimeout = WebUiHost.KeepAliveTimeout;
            foreach (var a in addresses) k.Listen(a, port, l => l.Protocols = HttpProtocols.Http1);
        });
        builder.Services.RemoveAll<IConnectionListenerFactory>();
        builder.Services.AddSingleton<IConnectionListenerFactory>(new LimitedListenerFactory(
            new SocketTransportFactory(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance), connections));
        builder.Services.AddRouting();
        var app = builder.Build();
        var host2 = new DashboardHost(app, pid, access);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.Run(host2.Serve);
        try
        {
            app.StartAsync().GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            string shown = string.Join(", ", addresses.Select(a => WebServer.FormatHost(a) + ":" + port));
            throw new ProfilerException($"listen tcp {shown}: {e.InnerException?.Message ?? e.Message}", e);
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host2.Port = new Uri(bound).Port;
        string shownHost = host.Contains(':') ? "[" + host + "]" : host;
        url = $"http://{shownHost}:{host2.Port}{PagePath}";
        return host2;
    }

    private async Task Serve(HttpContext ctx)
    {
        ctx.Response.Headers.XContentTypeOptions = "nosniff";
        ctx.Response.Headers.CacheControl = "no-store";
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (ctx.Request.Headers.TryGetValue("Host", out var hv)) headers["Host"] = hv.ToString();
        var request = new Web.WebRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "/", new Dictionary<string, string>(),
            ctx.Connection.RemoteIpAddress ?? IPAddress.None, "", headers);
        if (_access.Check(request) is { } refusal)
        {
            await Plain(ctx, refusal.Status, refusal.Text.TrimEnd('\n'));
            return;
        }
        if (!HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method))
        {
            await Plain(ctx, 405, "use GET");
            return;
        }
        string path = request.Path;
        if (path is "/" or "/debug/statsviz")
        {
            ctx.Response.Redirect(PagePath);
            return;
        }
        if (!path.StartsWith(PagePath, StringComparison.Ordinal))
        {
            await Plain(ctx, 404, "404 page not found");
            return;
        }
        string rest = path[PagePath.Length..];
        if (rest == "ws")
        {
            await WebSocket(ctx);
            return;
        }
        if (rest.StartsWith("capture/", StringComparison.Ordinal))
        {
            await Capture(ctx, rest["capture/".Length..]);
            return;
        }
        if (!DashboardAssets.TryGet(rest.Length == 0 ? "index.html" : rest, out var content, out string type))
        {
            await Plain(ctx, 404, "404 page not found");
            return;
        }
        ctx.Response.ContentType = type;
        ctx.Response.ContentLength = content.Length;
        ctx.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";
        ctx.Response.Headers.XFrameOptions = "DENY";
        if (!HttpMethods.IsHead(ctx.Request.Method)) await ctx.Response.Body.WriteAsync(content, ctx.RequestAborted);
    }

    private async Task WebSocket(HttpContext ctx)
    {
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            await Plain(ctx, 400, "this is the dashboard's WebSocket: open the page instead");
            return;
        }
        string? origin = ctx.Request.Headers.Origin;
        if (!string.IsNullOrEmpty(origin) && !string.Equals(origin, "http://" + ctx.Request.Host, StringComparison.OrdinalIgnoreCase))
        {
            await Plain(ctx, 403, "forbidden: cross-origin WebSocket");
            return;
        }
        if (!_clients.Wait(0))
        {
            await Plain(ctx, 429, $"too many dashboard clients (limit {MaxClients})");
            return;
        }
        try
        {
            using var socket = await ctx.WebSockets.AcceptWebSocketAsync();
            var captures = CaptureKinds.Select(c => new DashboardCapture(c.Kind, c.Label, "capture/" + c.Kind)).ToArray();
            byte[] hello = DashboardProtocol.Hello(_pid, "out-of-process", s_interval, captures,
                "Read from outside over EventPipe: the first point comes after two seconds. Each capture collects from the process through its diagnostic port.");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, Stopping);
            await DashboardProtocol.ServeAsync(socket, hello, Guard(RuntimeStatsReader.WatchAsync(_pid, s_interval, stop.Token)), stop.Token);
        }
        finally
        {
            _clients.Release();
        }
    }

    /// <summary>Ends the stream (rather than the server) when the process cannot be read.</summary>
    private static async IAsyncEnumerable<RuntimeStats> Guard(IAsyncEnumerable<RuntimeStats> stats)
    {
        await using var e = stats.GetAsyncEnumerator();
        while (true)
        {
            try
            {
                if (!await e.MoveNextAsync()) yield break;
            }
            catch (ProfilerException)
            {
                yield break;
            }
            yield return e.Current;
        }
    }

    private async Task Capture(HttpContext ctx, string kind)
    {
        int i = Array.FindIndex(CaptureKinds, c => c.Kind == kind);
        if (i < 0)
        {
            await Plain(ctx, 404, "unknown capture: want cpu, heap or goroutine");
            return;
        }
        // One capture of each kind at a time: a second click waits for nothing and gets 429.
        var gate = _captures.GetOrAdd(kind, _ => new SemaphoreSlim(1, 1));
        if (!gate.Wait(0))
        {
            await Plain(ctx, 429, $"a {kind} capture is already running");
            return;
        }
        try
        {
            var (_, _, duration) = CaptureKinds[i];
            Pprof.Profiles.Profile profile;
            try
            {
                profile = await RuntimeProfiles.CollectAsync(_pid, kind, duration ?? TimeSpan.Zero, null, ctx.RequestAborted);
            }
            catch (ProfilerException e)
            {
                await Plain(ctx, 500, $"could not collect the {kind} profile: {e.Message}");
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var buffer = new MemoryStream();
            profile.Write(buffer);
            string time = DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
            ctx.Response.ContentType = "application/octet-stream";
            ctx.Response.Headers.ContentDisposition = $"attachment; filename=\"{kind}-{_pid}-{time}.pb.gz\"";
            ctx.Response.ContentLength = buffer.Length;
            await ctx.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ctx.RequestAborted);
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task Plain(HttpContext ctx, int status, string text)
    {
        if (ctx.Response.HasStarted) return;
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        await ctx.Response.WriteAsync(text + "\n", ctx.RequestAborted);
    }

    /// <summary>Stops listening and closes the connections.</summary>
    public void Dispose()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            _app.StopAsync(cts.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
