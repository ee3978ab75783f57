using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Pprof.Cli.Web;

/// <summary>The web UI's HTTP server: Kestrel, with limits and timeouts for a tool that may face hostile clients
/// (oversized request lines and headers get 414/431, bodies over <see cref="MaxBodyBytes"/> 413, idle and half-sent
/// connections are closed, connections are bounded by the descriptors the process may open), handing each request to
/// the UI as a <see cref="WebRequest"/>. Kestrel's accept loop keeps going when an accept fails.</summary>
internal sealed class WebUiHost : IDisposable
{
    /// <summary>The largest request body read (saved configurations are small JSON documents): 64 KiB.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The most connections open at once; more are closed as they arrive. Fewer where the process may open
    /// fewer file descriptors: see <see cref="ConnectionLimit"/>.</summary>
    public const int MaxConnections = 512;

    /// <summary>Descriptors kept for everything but connections: counted before Kestrel starts, they must cover the
    /// assemblies the server and the views load later (the runtime keeps about two descriptors per assembly), source
    /// files and Graphviz's pipes.</summary>
    private const int ReservedDescriptors = 128;

    /// <summary>How long a client may take to send a request's headers.</summary>
    public static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a connection may stay idle between requests.</summary>
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(60);

    private readonly WebApplication _app;

    private WebUiHost(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The port listened on.</summary>
    public int Port { get; }

    /// <summary>Cancelled when the server is told to stop: SIGTERM (or Ctrl+C) reaches ASP.NET Core's lifetime,
    /// which stops the server, and the process must then exit as it did before.</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>Listens on <paramref name="addresses"/> at <paramref name="port"/> (0: a free port, the same on every
    /// address) and serves <paramref name="handler"/>. <see cref="IPAddress.IPv6Any"/> listens dual-stack.</summary>
    public static WebUiHost Start(IReadOnlyList<IPAddress> addresses, int port, Func<WebRequest, WebResponse> handler)
    {
        for (int attempt = 0; ; attempt++)
        {
            // Kestrel chooses a free port for one address; for several, take one free on the first and retry should
            // another process take it on the others meanwhile.
            int p = port != 0 || addresses.Count == 1 ? port : FreePort(addresses[0]);
            try
            {
                return Create(addresses, p, handler);
            }
            catch (IOException) when (port == 0 && addresses.Count > 1 && attempt < 5)
            {
            }
            catch (IOException e)
            {
                string shown = string.Join(", ", addresses.Select(a => WebServer.FormatHost(a) + ":" + port));
                throw new IOException($"listen tcp {shown}: {e.InnerException?.Message ?? e.Message}", e);
            }
        }
    }

    private static WebUiHost Create(IReadOnlyList<IPAddress> addresses, int port, Func<WebRequest, WebResponse> handler)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        int connections = ConnectionLimit();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxConcurrentConnections = connections;
            k.Limits.MaxRequestBodySize = MaxBodyBytes;
            k.Limits.RequestHeadersTimeout = HeadersTimeout;
            k.Limits.KeepAliveTimeout = KeepAliveTimeout;
            k.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
            foreach (var a in addresses) k.Listen(a, port, l => l.Protocols = HttpProtocols.Http1);
        });
        builder.Services.RemoveAll<IConnectionListenerFactory>();
        builder.Services.AddSingleton<IConnectionListenerFactory>(new LimitedListenerFactory(
            new SocketTransportFactory(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance), connections));
        var app = builder.Build();
        app.Run(ctx => Serve(ctx, handler));
        app.StartAsync().GetAwaiter().GetResult();
        int bound = port;
        if (bound == 0)
        {
            var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
                .Get<IServerAddressesFeature>()!.Addresses.First();
            bound = new Uri(address).Port;
        }
        return new WebUiHost(app, bound);
    }

    /// <summary>How many connections may be open at once: <see cref="MaxConnections"/>, or, under a lower limit of
    /// open files (<c>ulimit -n</c>), what leaves <see cref="ReservedDescriptors"/> free beside those open now. Running
    /// out of descriptors makes accepts fail and the runtime itself falter (it dies with "Out of memory."): the
    /// listener (<see cref="LimitedListenerFactory"/>) accepts no more than this, so connections alone never exhaust
    /// them.</summary>
    internal static int ConnectionLimit()
    {
        long limit = OpenFileLimit();
        if (limit <= 0) return MaxConnections;
        int open;
        try
        {
            open = Directory.GetFileSystemEntries("/proc/self/fd").Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            open = 64;
        }
        return (int)Math.Clamp(limit - open - ReservedDescriptors, 8, MaxConnections);
    }

    /// <summary>The soft limit of open files from <c>/proc/self/limits</c>; 0 when unknown or unlimited.</summary>
    private static long OpenFileLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
                var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 0 && long.TryParse(fields[0], out long soft) ? soft : 0;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return 0;
    }

    private static int FreePort(IPAddress a)
    {
        var l = new System.Net.Sockets.TcpListener(a, 0);
        l.Start();
        int p = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return p;
    }

    private static async Task Serve(HttpContext ctx, Func<WebRequest, WebResponse> handler)
    {
        string body = "";
        if (ctx.Request.ContentLength > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
        {
            // A body cut short (disconnect, too slow) throws here: the request is dropped, never handed to the UI.
            try
            {
                using var ms = new MemoryStream();
                await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted).ConfigureAwait(false);
                body = Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
            {
                await Write(ctx, WebResponse.Plain(e.StatusCode, e.Message), headOnly: false).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                ctx.Abort();
                return;
            }
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in new[] { "Host", "Origin", "Sec-Fetch-Site", "Content-Type" })
        {
            if (ctx.Request.Headers.TryGetValue(name, out var v)) headers[name] = v.ToString();
        }
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in ctx.Request.Query) query[kv.Key] = kv.Value.Count > 0 ? kv.Value[0] ?? "" : "";
        var request = new WebRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "/", query,
            ctx.Connection.RemoteIpAddress ?? IPAddress.None, body, headers);
        WebResponse response;
        try
        {
            response = handler(request);
        }
        catch (Exception e) when (Driver.PprofDriver.IsUserError(e))
        {
            response = WebResponse.Plain(500, "internal error: " + e.Message);
        }
        await Write(ctx, response, HttpMethods.IsHead(request.Method)).ConfigureAwait(false);
    }

    private static async Task Write(HttpContext ctx, WebResponse r, bool headOnly)
    {
        if (ctx.Response.HasStarted) return;
        ctx.Response.StatusCode = r.Status;
        ctx.Response.ContentType = r.ContentType;
        ctx.Response.ContentLength = r.Body.Length;
        ctx.Response.Headers.CacheControl = "no-store";
        ctx.Response.Headers.XContentTypeOptions = "nosniff";
        ctx.Response.Headers.XFrameOptions = "DENY";
        foreach (var h in r.Headers) ctx.Response.Headers[h.Key] = h.Value;
        if (!headOnly)
        {
            try
            {
                await ctx.Response.Body.WriteAsync(r.Body, ctx.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // The client went away.
            }
        }
    }

    /// <summary>Stops listening and closes the connections.</summary>
    /// <summary>Blocks until Ctrl+C (which it takes from the default handler), the server stopping, or
    /// <paramref name="cancellationToken"/>: how the verbs that serve a page (<c>-http</c>, trace, history, leaks) wait.</summary>
    public void WaitUntilStopped(CancellationToken cancellationToken)
    {
        using var stopped = new ManualResetEventSlim(false);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stopped.Set();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            WaitHandle.WaitAny(new[] { stopped.WaitHandle, Stopping.WaitHandle, cancellationToken.WaitHandle });
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

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
