using Pprof.Profiles;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Pprof.Cli.Web;

namespace Pprof.Cli.Tests;

/// <summary>One web UI child process on 127.0.0.1 shared by the hostile-input tests of <see cref="HostileWebTests"/>.</summary>
public sealed class HostileWebFixture : IDisposable
{
    public string ProfilePath { get; } = WebTestProfile.WriteTemp();

    public string SettingsPath { get; } = Path.Combine(Path.GetTempPath(), "hostile-settings-" + Guid.NewGuid().ToString("N") + ".json");

    internal WebUiProcess Ui { get; }

    public HostileWebFixture() => Ui = new WebUiProcess("127.0.0.1:0", ProfilePath, SettingsPath);

    public void Dispose()
    {
        Ui.Dispose();
        File.Delete(ProfilePath);
        File.Delete(SettingsPath);
    }
}

/// <summary>The web UI against clients that misbehave: idle, slow, oversized, malformed, cut short, cross-site, forged
/// or remote. Every test asks for a prompt and correct answer, then checks the UI still serves pages (traffic goes to
/// loopback only, or to this host's own address).</summary>
public sealed class HostileWebTests : IClassFixture<HostileWebFixture>
{
    private static readonly TimeSpan s_prompt = TimeSpan.FromSeconds(20);
    private readonly HostileWebFixture _f;

    public HostileWebTests(HostileWebFixture f) => _f = f;

    private int Port => _f.Ui.Port;

    private async Task AssertHealthy()
    {
        Assert.True(_f.Ui.Alive, "the web UI process died: " + _f.Ui.Stderr);
        Assert.Equal(200, await RawHttp.Status(IPAddress.Loopback, Port, "/ui/top", s_prompt));
    }

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public async Task TwoHundredIdleConnectionsDoNotStopTheUi()
    {
        var idle = new List<TcpClient>();
        try
        {
            for (int i = 0; i < 200; i++)
            {
                var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, Port);
                // Half say nothing, half start a request and stop.
                if (i % 2 == 1) await c.GetStream().WriteAsync(Ascii("GET /ui/top HTTP/1.1\r\nHost: localhost\r\n"));
                idle.Add(c);
            }
            Assert.Equal(200, await RawHttp.Status(IPAddress.Loopback, Port, "/ui/top", s_prompt));
            Assert.Equal(200, await RawHttp.Status(IPAddress.Loopback, Port, "/ui/flamegraph", s_prompt));
        }
        finally
        {
            foreach (var c in idle) c.Dispose();
        }
        await AssertHealthy();
    }

    [Fact]
    public async Task HalfSentHeaderIsClosedWithinTheTimeoutWhileOthersAreServed()
    {
        var slow = RawHttp.Send(IPAddress.Loopback, Port, Ascii("GET /ui/top HTTP/1.1\r\nHost: localhost\r\nX-Slow: "),
            WebUiHost.HeadersTimeout + TimeSpan.FromSeconds(30));
        Assert.Equal(200, await RawHttp.Status(IPAddress.Loopback, Port, "/ui/top", s_prompt));
        var answer = await slow;
        Assert.True(answer.Closed, "a half-sent request kept its connection open: " + answer.Text);
        Assert.DoesNotContain("200 OK", answer.Text);
        await AssertHealthy();
    }

    [Fact]
    public async Task TenMegabyteHeaderGets431()
    {
        var big = "GET /ui/top HTTP/1.1\r\nHost: localhost\r\nX-Big: " + new string('a', 10 << 20) + "\r\n\r\n";
        var answer = await RawHttp.Send(IPAddress.Loopback, Port, Ascii(big), s_prompt);
        Assert.Equal(431, answer.Status);
        await AssertHealthy();
    }

    [Fact]
    public async Task TenMegabyteRequestLineIsRefused()
    {
        // Kestrel answers an over-long request line with 414 (URI Too Long); Go's server says 431.
        var big = "GET /ui/top?x=" + new string('a', 10 << 20) + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
        var answer = await RawHttp.Send(IPAddress.Loopback, Port, Ascii(big), s_prompt);
        Assert.Contains(answer.Status, new[] { 414, 431 });
        await AssertHealthy();
    }

    [Fact]
    public async Task BareLineFeedRequestIsAnsweredPromptly()
    {
        var answer = await RawHttp.Send(IPAddress.Loopback, Port, Ascii("GET /ui/top HTTP/1.1\nHost: localhost\nConnection: close\n\n"), s_prompt);
        Assert.True(answer.Closed || answer.Status != 0, "no answer to a bare-LF request");
        Assert.True(answer.Status is 200 or 400 || (answer.Status == 0 && answer.Closed), "unexpected answer: " + answer.Text[..Math.Min(200, answer.Text.Length)]);
        await AssertHealthy();
    }

    [Fact]
    public async Task BodyCutShortByADisconnectIsNotSaved()
    {
        string body = "{\"query\": \"f=cut\"}";
        var request = "POST /ui/saveconfig?config=cutshort HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
            "Content-Length: 1000\r\n\r\n" + body;
        var answer = await RawHttp.Send(IPAddress.Loopback, Port, Ascii(request), s_prompt, closeAfterSend: true);
        Assert.True(answer.Closed);
        Assert.DoesNotContain("200 OK", answer.Text);
        // A complete save afterwards goes through; the cut one never appears.
        using var http = new HttpClient { Timeout = s_prompt };
        var ok = await http.PostAsync($"http://127.0.0.1:{Port}/ui/saveconfig?config=whole", new StringContent("{\"query\": \"f=whole\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        string page = await http.GetStringAsync($"http://127.0.0.1:{Port}/ui/top");
        Assert.Contains(">whole</a>", page);
        Assert.DoesNotContain("cutshort", page);
        Assert.DoesNotContain("cutshort", File.ReadAllText(_f.SettingsPath));
        await AssertHealthy();
    }

    [Fact]
    public async Task CrossSitePostIsRejected()
    {
        using var http = new HttpClient { Timeout = s_prompt };
        var req = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{Port}/ui/saveconfig?config=evil")
        {
            Content = new StringContent("{\"query\": \"f=evil\"}", Encoding.UTF8, "text/plain"),
        };
        req.Headers.Add("Origin", "http://evil.example");
        var r = await http.SendAsync(req);
        Assert.Contains((int)r.StatusCode, new[] { 403, 415 });
        // Same-origin but not JSON: 415; JSON from another site (Sec-Fetch-Site): 403.
        var plain = await http.PostAsync($"http://127.0.0.1:{Port}/ui/saveconfig?config=evil", new StringContent("{\"query\": \"f=evil\"}", Encoding.UTF8, "text/plain"));
        Assert.Equal(415, (int)plain.StatusCode);
        var site = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{Port}/ui/saveconfig?config=evil")
        {
            Content = new StringContent("{\"query\": \"f=evil\"}", Encoding.UTF8, "application/json"),
        };
        site.Headers.Add("Sec-Fetch-Site", "cross-site");
        Assert.Equal(403, (int)(await http.SendAsync(site)).StatusCode);
        Assert.DoesNotContain(">evil</a>", await http.GetStringAsync($"http://127.0.0.1:{Port}/ui/top"));
        await AssertHealthy();
    }

    [Fact]
    public async Task OversizedConfigurationBodyGets413()
    {
        using var http = new HttpClient { Timeout = s_prompt };
        string huge = "{\"query\": \"" + new string('a', 1 << 20) + "\"}";
        var r = await http.PostAsync($"http://127.0.0.1:{Port}/ui/saveconfig?config=huge", new StringContent(huge, Encoding.UTF8, "application/json"));
        Assert.Equal(413, (int)r.StatusCode);
        var longQuery = await http.PostAsync($"http://127.0.0.1:{Port}/ui/saveconfig?config=long",
            new StringContent("{\"query\": \"" + new string('a', WebSettings.MaxQueryLength + 1) + "\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)longQuery.StatusCode);
        await AssertHealthy();
    }

    [Fact]
    public async Task ForgedHostIsRefused()
    {
        var answer = await RawHttp.Send(IPAddress.Loopback, Port, Ascii("GET /ui/top HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"), s_prompt);
        Assert.Equal(403, answer.Status);
        var rebound = await RawHttp.Send(IPAddress.Loopback, Port, Ascii($"GET /ui/top HTTP/1.1\r\nHost: evil.example:{Port}\r\nConnection: close\r\n\r\n"), s_prompt);
        Assert.Equal(403, rebound.Status);
        var local = await RawHttp.Send(IPAddress.Loopback, Port, Ascii($"GET /ui/top HTTP/1.1\r\nHost: localhost:{Port}\r\nConnection: close\r\n\r\n"), s_prompt);
        Assert.Equal(200, local.Status);
        await AssertHealthy();
    }
}
