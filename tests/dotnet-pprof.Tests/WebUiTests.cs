using Pprof.Profiles;
using System.IO.Compression;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Pprof.Cli.Driver;
using Pprof.Cli.Web;
using WebRequest = Pprof.Cli.Web.WebRequest;
using WebResponse = Pprof.Cli.Web.WebResponse;

namespace Pprof.Cli.Tests;

public sealed class WebUiTests : IDisposable
{
    private readonly string _settings = Path.Combine(Path.GetTempPath(), "webui-settings-" + Guid.NewGuid().ToString("N") + ".json");
    private readonly WebUi _ui;

    public WebUiTests() => _ui = new WebUi(WebTestProfile.Create(), new PprofConfig(), "webtest", _settings, new WebAccess(true, new[] { "localhost" }));

    public void Dispose() => File.Delete(_settings);

    private WebResponse Get(string pathAndQuery, IPAddress? remote = null, string method = "GET", string body = "", params (string Name, string Value)[] headers)
    {
        int q = pathAndQuery.IndexOf('?');
        var query = WebRequest.ParseQuery(q < 0 ? "" : pathAndQuery[(q + 1)..]);
        var h = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Host"] = "localhost:8080" };
        if (method == "POST") h["Content-Type"] = "application/json";
        foreach (var (n, v) in headers)
        {
            if (v.Length == 0) h.Remove(n);
            else h[n] = v;
        }
        return _ui.Handle(new WebRequest(method, q < 0 ? pathAndQuery : pathAndQuery[..q], query, remote ?? IPAddress.Loopback, body, h));
    }

    private static List<string> TopNames(string html) =>
        System.Text.RegularExpressions.Regex.Matches(html, "<tr data-name=\"([^\"]*)\"").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    [Fact]
    public void NonLocalClientsAreRefusedWhenBoundToLocalhost()
    {
        Assert.Equal(403, Get("/ui/top", IPAddress.Parse("192.0.2.7")).Status);
        Assert.Equal(403, Get("/ui/assets/ui.js", IPAddress.Parse("2001:db8::1")).Status);
        Assert.Equal(200, Get("/ui/top", IPAddress.IPv6Loopback).Status);
        var open = new WebUi(WebTestProfile.Create(), new PprofConfig(), "webtest", _settings, WebAccess.Open);
        Assert.Equal(200, open.Handle(new WebRequest("GET", "/ui/top", new Dictionary<string, string>(), IPAddress.Parse("192.0.2.7"))).Status);
    }

    [Theory]
    [InlineData("localhost:8080", 200)]
    [InlineData("LOCALHOST", 200)]
    [InlineData("127.0.0.1:9", 200)]
    [InlineData("127.0.0.2", 200)]
    [InlineData("[::1]:8080", 200)]
    [InlineData("evil.example", 403)]
    [InlineData("evil.example:8080", 403)]
    [InlineData("localhost.evil.example", 403)]
    [InlineData("192.0.2.7:8080", 403)]
    [InlineData("::1", 403)]
    [InlineData("", 403)]
    public void OnlyLoopbackHostNamesAreServed(string host, int status) =>
        Assert.Equal(status, Get("/ui/top", headers: ("Host", host)).Status);

    [Fact]
    public void WritesMustBeSameOriginJsonPosts()
    {
        const string body = "{\"query\": \"f=main\"}";
        Assert.Equal(403, Get("/ui/saveconfig?config=x", method: "POST", body: body, headers: ("Origin", "http://evil.example")).Status);
        Assert.Equal(403, Get("/ui/saveconfig?config=x", method: "POST", body: body, headers: ("Origin", "http://localhost:9999")).Status);
        Assert.Equal(403, Get("/ui/saveconfig?config=x", method: "POST", body: body, headers: ("Sec-Fetch-Site", "cross-site")).Status);
        Assert.Equal(403, Get("/ui/deleteconfig?config=x", method: "POST", body: "{}", headers: ("Sec-Fetch-Site", "same-site")).Status);
        Assert.Equal(415, Get("/ui/saveconfig?config=x", method: "POST", body: body, headers: ("Content-Type", "text/plain")).Status);
        Assert.Equal(415, Get("/ui/saveconfig?config=x", method: "POST", body: body, headers: ("Content-Type", "")).Status);
        Assert.Equal(400, Get("/ui/saveconfig?config=x", method: "POST", body: "f=main").Status);
        Assert.Equal(400, Get("/ui/saveconfig?config=" + new string('n', WebSettings.MaxNameLength + 1), method: "POST", body: body).Status);
        Assert.False(File.Exists(_settings) && File.ReadAllText(_settings).Contains("\"x\""));
        Assert.Equal(200, Get("/ui/saveconfig?config=x", method: "POST", body: body,
            headers: new[] { ("Origin", "http://localhost:8080"), ("Sec-Fetch-Site", "same-origin"), ("Content-Type", "application/json; charset=utf-8") }).Status);
        Assert.Contains(">x</a>", Get("/ui/top").Text);
    }

    [Fact]
    public void ConfigurationsAreBounded()
    {
        for (int i = 0; i < WebSettings.MaxCount; i++)
            Assert.Equal(200, Get("/ui/saveconfig?config=c" + i, method: "POST", body: "{\"query\": \"f=main\"}").Status);
        Assert.Equal(400, Get("/ui/saveconfig?config=one-too-many", method: "POST", body: "{\"query\": \"f=main\"}").Status);
        Assert.Equal(200, Get("/ui/saveconfig?config=c0", method: "POST", body: "{\"query\": \"f=other\"}").Status);
    }

    [Fact]
    public void RootRedirectsToTheGraphKeepingTheQuery()
    {
        var r = Get("/?f=main&si=samples");
        Assert.Equal(303, r.Status);
        Assert.Contains(r.Headers, h => h.Key == "Location" && h.Value == "/ui/?f=main&si=samples");
        Assert.Equal(404, Get("/top").Status);
    }

    [Fact]
    public void EveryViewIsServed()
    {
        foreach (var (path, name) in WebUi.Views)
        {
            var r = Get(path);
            Assert.Equal(200, r.Status);
            Assert.Contains("<a class=\"view active\" data-path=\"" + path + "\"", r.Text);
            Assert.Contains("id=\"sample-type\"", r.Text);
            Assert.DoesNotContain("class=\"error\"", r.Text);
        }
        Assert.Contains("<svg width=\"100%\" height=\"100%\" data-pprof-panzoom=\"1\"", Get("/ui/").Text);
        Assert.Contains("id=\"flame-data\"", Get("/ui/flamegraph").Text);
        Assert.Equal(404, Get("/ui/nope").Status);
    }

    [Fact]
    public void AssetsAreServedByTheToolItself()
    {
        foreach (var a in new[] { "ui.js", "ui.css", "flamegraph.js", "flamegraph.css", "svgpanzoom.js" })
        {
            var r = Get("/ui/assets/" + a);
            Assert.Equal(200, r.Status);
            Assert.True(r.Body.Length > 200, a);
        }
        // No page refers to another host.
        foreach (var (path, _) in WebUi.Views)
        {
            string html = Get(path).Text;
            Assert.DoesNotContain("src=\"http", html);
            Assert.DoesNotContain("href=\"http", html);
            Assert.DoesNotContain("src=\"//", html);
        }
    }

    [Fact]
    public void UrlParametersShapeTheView()
    {
        var all = TopNames(Get("/ui/top").Text);
        Assert.Equal(new[] { "math.Sqrt", "os.Read", "main.compute", "main.io", "main.main" }, all);
        Assert.Equal(new[] { "os.Read", "main.io", "main.main" }, TopNames(Get("/ui/top?f=main%5C.io").Text));
        Assert.Equal(new[] { "math.Sqrt", "main.compute", "main.main" }, TopNames(Get("/ui/top?i=os%5C.Read").Text));
        Assert.Equal(new[] { "math.Sqrt", "os.Read", "main.compute" }, TopNames(Get("/ui/top?h=main%5C.(main|io)$").Text));
        Assert.Equal(new[] { "math.Sqrt", "os.Read" }, TopNames(Get("/ui/top?s=Sqrt|Read").Text));
        string samples = Get("/ui/top?si=samples").Text;
        Assert.Contains("Type: samples", samples);
        Assert.Contains("<option value=\"samples\" selected>", samples);
        Assert.Contains("Type: cpu", Get("/ui/top").Text);
    }

    [Fact]
    public void PeekShowsItsHeaderAsLabelsAndItsTableAsTheReport()
    {
        string html = Get("/ui/peek?f=main%5C.io").Text;
        var labels = System.Text.RegularExpressions.Regex.Match(html, "<div id=\"labels\" class=\"labels\">(.*?)</div>\n").Groups[1].Value;
        Assert.Contains("<div>Type: cpu</div>", labels);
        Assert.Contains("<div>Showing nodes accounting for ", labels);
        string report = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "<pre id=\"report\" class=\"report\">(.*?)</pre>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value);
        var lines = report.Split('\n');
        Assert.Equal("----------------------------------------------------------+-------------", lines[0]);
        Assert.StartsWith("      flat  flat%   sum%        cum   cum%   calls calls% + context", lines[1]);
        Assert.Contains(lines, l => l.EndsWith("| main.io", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("|   os.Read", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("|   main.main", StringComparison.Ordinal));
        Assert.DoesNotContain("Type: cpu", report);
        Assert.DoesNotContain(lines, l => l.EndsWith("| main.compute", StringComparison.Ordinal));
    }

    [Fact]
    public void RepeatedViewsComeOutTheSame()
    {
        // Views are kept per query (the profile does not change while the UI runs): a repeat is the same page, errors
        // included, and neither another query nor a full cache gives another view's content.
        foreach (var (path, _) in WebUi.Views)
        {
            if (path == WebUi.SourcePath) continue;
            Assert.Equal(Get(path).Text, Get(path).Text);
        }
        string bad = Get("/ui/top?f=(unclosed").Text;
        Assert.Contains("class=\"error\"", bad);
        Assert.Equal(bad, Get("/ui/top?f=(unclosed").Text);
        Assert.DoesNotContain("class=\"error\"", Get("/ui/top").Text);
        for (int i = 0; i < 40; i++) Get("/ui/top?f=main" + i);
        Assert.Equal(new[] { "os.Read", "main.io", "main.main" }, TopNames(Get("/ui/top?f=main%5C.io").Text));
        Assert.Equal(5, TopNames(Get("/ui/top").Text).Count);
    }

    [Fact]
    public void BadParametersAreShownNotThrown()
    {
        var r = Get("/ui/top?f=(unclosed");
        Assert.Equal(200, r.Status);
        Assert.Contains("class=\"error\"", r.Text);
        Assert.Contains("class=\"error\"", Get("/ui/top?si=nosuchtype").Text);
    }

    [Fact]
    public void DownloadIsTheCurrentProfileAsGzippedProto()
    {
        var r = Get("/ui/download?f=main%5C.io");
        Assert.Equal(200, r.Status);
        Assert.Contains(r.Headers, h => h.Key == "Content-Disposition" && h.Value.Contains("profile.pb.gz"));
        Assert.Equal(new byte[] { 0x1f, 0x8b }, r.Body.Take(2).ToArray());
        var p = Profile.Parse(r.Body);
        Assert.Single(p.Samples);
        Assert.Equal(30, p.Samples[0].Values[0]);
    }

    [Fact]
    public void SavedConfigurationsRoundTrip()
    {
        Assert.Equal(405, Get("/ui/saveconfig?config=mine").Status);
        Assert.Equal(200, Get("/ui/saveconfig?config=mine", method: "POST", body: "{\"query\": \"f=main&si=samples\"}").Status);
        string page = Get("/ui/top").Text;
        Assert.Contains("data-query=\"f=main&amp;si=samples\"", page);
        Assert.Contains(">mine</a>", page);
        Assert.Contains("mine", File.ReadAllText(_settings));
        Assert.Equal(200, Get("/ui/deleteconfig?config=mine", method: "POST", body: "{}").Status);
        Assert.DoesNotContain(">mine</a>", Get("/ui/top").Text);
        Assert.Equal(404, Get("/ui/deleteconfig?config=mine", method: "POST", body: "{}").Status);
    }

    [Theory]
    [InlineData(":8080", "localhost", 8080)]
    [InlineData("localhost:", "localhost", 0)]
    [InlineData(":", "localhost", 0)]
    [InlineData("0.0.0.0:9000", "0.0.0.0", 9000)]
    [InlineData("[::1]:7000", "::1", 7000)]
    public void HostPortDefaults(string hostport, string host, int port) =>
        Assert.Equal((host, port), WebServer.ParseHostPort(hostport));

    [Theory]
    [InlineData("8080")]
    [InlineData("host:notaport")]
    [InlineData("host:70000")]
    public void BadHostPortIsOneClearError(string hostport)
    {
        var e = Assert.Throws<PprofException>(() => WebServer.ParseHostPort(hostport));
        Assert.Contains("-http=" + hostport, e.Message);
    }

    [Fact]
    public async Task ServesOverHttpOnLoopbackOnly()
    {
        using var server = WebServer.Start("localhost:0", WebTestProfile.Create(), new PprofConfig(), "webtest", _settings, out string url);
        Assert.StartsWith("http://localhost:", url);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var r = await http.GetAsync($"http://127.0.0.1:{server.Port}/ui/top?f=os");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        string html = await r.Content.ReadAsStringAsync();
        Assert.Equal(new[] { "os.Read", "main.io", "main.main" }, TopNames(html));
        var js = await http.GetAsync($"http://127.0.0.1:{server.Port}/ui/assets/flamegraph.js");
        Assert.Equal("text/javascript", js.Content.Headers.ContentType!.MediaType);

        // No other address of this machine accepts connections on the port.
        var others = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .Where(a => !IPAddress.IsLoopback(a) && a.AddressFamily == AddressFamily.InterNetwork).ToList();
        foreach (var a in others)
        {
            using var c = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => c.ConnectAsync(a, server.Port));
        }
    }
}
