using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Pprof.AspNetCore.Tests;

/// <summary>MapStatsviz in a real Kestrel application: the page and its assets, MapPprof's access rules, and the
/// WebSocket's messages (hello naming this process and the pprof buttons, then this process's statistics). The page in
/// a browser: dotnet-pprof.BrowserTests' DashboardBrowserTests.</summary>
public sealed class StatsvizTests
{
    private static Task<TestApp> Start(Action<PprofOptions>? configure = null) => TestApp.StartAsync(configure, app =>
    {
        app.MapPprof();
        app.MapStatsviz();
    });

    [Fact]
    public async Task ThePageRedirectsToItsSlashAndServesItsOwnAssetsOnly()
    {
        await using var app = await Start();
        using var redirect = await app.Client.GetAsync("/debug/statsviz");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/debug/statsviz/", redirect.Headers.Location!.OriginalString);
        using var page = await app.Client.GetAsync("/debug/statsviz/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("dashboard.js", html);
        Assert.DoesNotContain("https://", html);
        using var js = await app.Client.GetAsync("/debug/statsviz/dashboard.js");
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.Equal("text/javascript", js.Content.Headers.ContentType!.MediaType);
        foreach (var bad in new[] { "/debug/statsviz/nope.js", "/debug/statsviz/..%2FPprof.Runtime.dll", "/debug/statsviz/Assets.index.html" })
        {
            using var r = await app.Client.GetAsync(bad);
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }
        // A plain GET of the WebSocket's address says what it is.
        using var ws = await app.Client.GetAsync("/debug/statsviz/ws");
        Assert.Equal(HttpStatusCode.BadRequest, ws.StatusCode);
    }

    [Fact]
    public async Task TheLoopbackRuleOfMapPprofAppliesToThePageAndTheWebSocket()
    {
        await using var app = await Start();
        foreach (var path in new[] { "/debug/statsviz/", "/debug/statsviz/ws", "/debug/statsviz/dashboard.js" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
            using var r = await app.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }
        using var ws = new ClientWebSocket();
        ws.Options.SetRequestHeader("X-Forwarded-For", "203.0.113.7");
        await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(WsUri(app), CancellationToken.None));
    }

    [Fact]
    public async Task AWebSocketFromAnotherOriginIsRefused()
    {
        await using var app = await Start();
        using var ws = new ClientWebSocket();
        ws.Options.SetRequestHeader("Origin", "http://evil.example");
        await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(WsUri(app), CancellationToken.None));
    }

    [Fact]
    public void MapStatsvizWithoutAddPprofSaysWhatIsMissing()
    {
        var app = WebApplication.CreateBuilder().Build();
        var e = Assert.Throws<InvalidOperationException>(() => app.MapStatsviz());
        Assert.Contains("AddPprof", e.Message);
    }

    [Fact]
    public async Task TheWebSocketSaysHelloWithThePprofButtonsThenSendsThisProcesssStatsEverySecond()
    {
        await using var app = await Start(o => o.HeapProfiling = true);
        using var ws = new ClientWebSocket();
        ws.Options.SetRequestHeader("Origin", app.BaseAddress.GetLeftPart(UriPartial.Authority));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await ws.ConnectAsync(WsUri(app), timeout.Token);
        using var hello = await Receive(ws, timeout.Token);
        Assert.Equal("hello", hello.RootElement.GetProperty("type").GetString());
        Assert.Equal(Environment.ProcessId, hello.RootElement.GetProperty("pid").GetInt32());
        Assert.Equal("in-process", hello.RootElement.GetProperty("source").GetString());
        Assert.Equal(1000, hello.RootElement.GetProperty("intervalMs").GetInt32());
        var captures = hello.RootElement.GetProperty("captures").EnumerateArray().Select(c => (c.GetProperty("kind").GetString(), c.GetProperty("url").GetString())).ToList();
        Assert.Equal(new (string?, string?)[]
        {
            ("cpu", "/debug/pprof/profile?seconds=10"), ("heap", "/debug/pprof/heap"), ("goroutine", "/debug/pprof/goroutine"),
        }, captures);
        // Allocations between two messages: the second one's allocation rate and heap are this process's.
        var keep = new List<byte[]>();
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 200; j++) keep.Add(new byte[10_000]);
            using var stats = await Receive(ws, timeout.Token);
            var root = stats.RootElement;
            Assert.Equal("stats", root.GetProperty("type").GetString());
            Assert.True(root.GetProperty("heap").GetInt64() > 0);
            Assert.True(root.GetProperty("rss").GetInt64() > 0);
            Assert.True(root.GetProperty("threads").GetInt32() > 0);
            Assert.True(root.GetProperty("allocRate").GetDouble() > 0);
            Assert.Equal(3, root.GetProperty("gcs").GetArrayLength());
            Assert.InRange(DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("t").GetInt64()).UtcDateTime, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
        }
        GC.KeepAlive(keep);
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
    }

    [Fact]
    public async Task WithoutMapPprofTheHelloHasNoButtonsAndSaysHowToGetThem()
    {
        await using var app = await TestApp.StartAsync(null, a => a.MapStatsviz("/stats"));
        using var ws = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await ws.ConnectAsync(new Uri("ws://" + app.BaseAddress.Authority + "/stats/ws"), timeout.Token);
        using var hello = await Receive(ws, timeout.Token);
        Assert.Equal(0, hello.RootElement.GetProperty("captures").GetArrayLength());
        Assert.Contains("MapPprof", hello.RootElement.GetProperty("note").GetString());
    }

    private static Uri WsUri(TestApp app) => new("ws://" + app.BaseAddress.Authority + "/debug/statsviz/ws");

    private static async Task<JsonDocument> Receive(ClientWebSocket ws, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        int n = 0;
        while (true)
        {
            var r = await ws.ReceiveAsync(buffer.AsMemory(n), ct);
            Assert.Equal(WebSocketMessageType.Text, r.MessageType);
            n += r.Count;
            if (r.EndOfMessage) break;
        }
        return JsonDocument.Parse(Encoding.UTF8.GetString(buffer, 0, n));
    }
}
