using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pprof.Cli.Tests;

/// <summary>HTTP/1.1 spoken by hand over TCP, for requests no HTTP client would send (oversized, half-sent, bare LF).</summary>
internal static class RawHttp
{
    /// <summary>What came back: the bytes received before the server closed the connection, and whether it did close
    /// within the time allowed (false: it was still open when we gave up).</summary>
    internal sealed record Answer(string Text, bool Closed)
    {
        /// <summary>The status code of the first response line, or 0 when there is none.</summary>
        public int Status => Text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && Text.Length >= 12 && int.TryParse(Text.AsSpan(9, 3), out int s) ? s : 0;
    }

    /// <summary>Sends <paramref name="request"/> (writing errors are ignored: the server may close early) and reads
    /// until the server closes the connection or <paramref name="timeout"/> passes.</summary>
    public static async Task<Answer> Send(IPAddress address, int port, byte[] request, TimeSpan timeout, bool closeAfterSend = false)
    {
        using var client = new TcpClient(address.AddressFamily);
        await client.ConnectAsync(address, port);
        var stream = client.GetStream();
        var send = Task.Run(async () =>
        {
            try
            {
                for (int off = 0; off < request.Length; off += 64 * 1024)
                {
                    await stream.WriteAsync(request.AsMemory(off, Math.Min(64 * 1024, request.Length - off)));
                }
                if (closeAfterSend) client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
            }
        });
        var received = new MemoryStream();
        var buf = new byte[16 * 1024];
        using var cts = new CancellationTokenSource(timeout);
        bool closed = false;
        try
        {
            while (true)
            {
                int n = await stream.ReadAsync(buf, cts.Token);
                if (n == 0)
                {
                    closed = true;
                    break;
                }
                received.Write(buf, 0, n);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
            closed = true; // reset by the server
        }
        await Task.WhenAny(send, Task.Delay(1000));
        return new Answer(Encoding.Latin1.GetString(received.ToArray()), closed);
    }

    /// <summary>GETs <paramref name="path"/> with a normal client and returns the status (0 if no answer within
    /// <paramref name="timeout"/>).</summary>
    public static async Task<int> Status(IPAddress address, int port, string path, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = timeout };
        string host = address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString();
        try
        {
            using var r = await http.GetAsync($"http://{host}:{port}{path}");
            return (int)r.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }
}
