using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pprof.Cli.Web;

/// <summary>A small HTTP/1.1 server for the web UI: one request per connection, bodies by Content-Length. It listens
/// only on the addresses it is given (the loopback ones for <c>localhost</c>).</summary>
internal sealed class WebHttpServer : IDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxBodyBytes = 1024 * 1024;
    private readonly List<TcpListener> _listeners = new();
    private readonly Func<WebRequest, WebResponse> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = new();

    /// <summary>Listens on <paramref name="addresses"/> at <paramref name="port"/> (0: a free port, the same on every
    /// address). The first address must work; the others (e.g. IPv6 loopback) are tried and skipped when unavailable.</summary>
    public WebHttpServer(IReadOnlyList<IPAddress> addresses, int port, Func<WebRequest, WebResponse> handler)
    {
        _handler = handler;
        for (int i = 0; i < addresses.Count; i++)
        {
            var l = new TcpListener(addresses[i], i == 0 ? port : Port);
            try
            {
                l.Start();
            }
            catch (SocketException) when (i > 0)
            {
                continue;
            }
            catch (SocketException e)
            {
                throw new IOException($"listen tcp {FormatHost(addresses[i])}:{port}: {e.Message}", e);
            }
            if (i == 0) Port = ((IPEndPoint)l.LocalEndpoint).Port;
            _listeners.Add(l);
        }
    }

    /// <summary>The port listened on.</summary>
    public int Port { get; }

    /// <summary>Starts accepting connections.</summary>
    public void Start()
    {
        foreach (var l in _listeners) _loops.Add(Task.Run(() => AcceptLoop(l)));
    }

    private async Task AcceptLoop(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                client.NoDelay = true;
                var stream = client.GetStream();
                stream.ReadTimeout = 30000;
                var remote = ((IPEndPoint)client.Client.RemoteEndPoint!).Address;
                if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
                var request = await ReadRequest(stream, remote).ConfigureAwait(false);
                if (request == null) return;
                WebResponse response;
                try
                {
                    response = _handler(request);
                }
                catch (Exception e)
                {
                    response = WebResponse.Plain(500, "internal error: " + e.Message);
                }
                await WriteResponse(stream, response, request.Method == "HEAD").ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The client went away.
            }
        }
    }

    private async Task<WebRequest?> ReadRequest(NetworkStream stream, IPAddress remote)
    {
        var buf = new byte[8192];
        var data = new MemoryStream();
        int headerEnd = -1;
        while (headerEnd < 0)
        {
            int n = await stream.ReadAsync(buf, _stop.Token).ConfigureAwait(false);
            if (n == 0) return null;
            data.Write(buf, 0, n);
            headerEnd = IndexOf(data.GetBuffer().AsSpan(0, (int)data.Length), "\r\n\r\n"u8);
            if (headerEnd < 0 && data.Length > MaxHeaderBytes) return null;
        }
        string head = Encoding.Latin1.GetString(data.GetBuffer(), 0, headerEnd);
        var lines = head.Split("\r\n");
        var first = lines[0].Split(' ');
        if (first.Length < 2) return null;
        long contentLength = 0;
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                long.TryParse(line[(colon + 1)..].Trim(), out contentLength);
            }
        }
        if (contentLength < 0 || contentLength > MaxBodyBytes) return null;
        int bodyStart = headerEnd + 4;
        while (data.Length - bodyStart < contentLength)
        {
            int n = await stream.ReadAsync(buf, _stop.Token).ConfigureAwait(false);
            if (n == 0) break;
            data.Write(buf, 0, n);
        }
        string body = Encoding.UTF8.GetString(data.GetBuffer(), bodyStart, (int)Math.Min(contentLength, data.Length - bodyStart));
        string target = first[1];
        int q = target.IndexOf('?');
        string path = Uri.UnescapeDataString(q < 0 ? target : target[..q]);
        var query = WebRequest.ParseQuery(q < 0 ? "" : target[(q + 1)..]);
        return new WebRequest(first[0].ToUpperInvariant(), path, query, remote, body);
    }

    private static async Task WriteResponse(NetworkStream stream, WebResponse r, bool headOnly)
    {
        var sb = new StringBuilder();
        sb.Append("HTTP/1.1 ").Append(r.Status).Append(' ').Append(Reason(r.Status)).Append("\r\n");
        sb.Append("Content-Type: ").Append(r.ContentType).Append("\r\n");
        sb.Append("Content-Length: ").Append(r.Body.Length).Append("\r\n");
        sb.Append("Cache-Control: no-store\r\n");
        sb.Append("X-Content-Type-Options: nosniff\r\n");
        foreach (var h in r.Headers) sb.Append(h.Key).Append(": ").Append(h.Value).Append("\r\n");
        sb.Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(sb.ToString())).ConfigureAwait(false);
        if (!headOnly) await stream.WriteAsync(r.Body).ConfigureAwait(false);
        await stream.FlushAsync().ConfigureAwait(false);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        303 => "See Other",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        _ => "Status",
    };

    private static int IndexOf(ReadOnlySpan<byte> data, ReadOnlySpan<byte> what) => data.IndexOf(what);

    /// <summary>An address as it appears before <c>:port</c> in a URL.</summary>
    public static string FormatHost(IPAddress a) => a.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + a + "]" : a.ToString();

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        foreach (var l in _listeners) l.Stop();
        try
        {
            Task.WaitAll(_loops.ToArray(), 2000);
        }
        catch (AggregateException)
        {
        }
        _stop.Dispose();
    }
}
