using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Pprof.Cli.Tests;

/// <summary>A small HTTP server on 127.0.0.1 that serves profile fixtures and scripted failures.</summary>
internal sealed class HttpFixture : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Request URLs received (path and query).</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Starts serving <paramref name="handler"/> on a free loopback port.</summary>
    public HttpFixture(Func<HttpListenerContext, Task> handler)
    {
        for (int attempt = 0; ; attempt++)
        {
            Port = UnusedPort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext ctx;
                try
                {
                    ctx = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                Requests.Enqueue(ctx.Request.Url!.PathAndQuery);
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await handler(ctx);
                        ctx.Response.Close();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException or InvalidOperationException)
                    {
                    }
                });
            }
        });
    }

    /// <summary>A loopback TCP port with nothing listening on it (at the time of the call).</summary>
    public static int UnusedPort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
