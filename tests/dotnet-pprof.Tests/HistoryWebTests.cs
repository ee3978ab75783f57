using System.Net;
using System.Text.Json;
using Pprof.Cli.Driver;
using Pprof.Cli.HistoryWeb;
using Pprof.Cli.Web;
using Pprof.History;
using Pprof.Profiles;
using WebRequest = Pprof.Cli.Web.WebRequest;
using WebResponse = Pprof.Cli.Web.WebResponse;

namespace Pprof.Cli.Tests;

/// <summary>The history UI's server side without a browser: the analysis UI mounted under a base path, selection
/// tokens, the bounded selection cache, and the timeline JSON of a small store.</summary>
public sealed class HistoryWebTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "history-web-" + Guid.NewGuid().ToString("N"));
    private readonly string _settings;

    public HistoryWebTests() => _settings = Path.Combine(_dir, "settings.json");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static WebResponse Get(Func<WebRequest, WebResponse> handle, string pathAndQuery)
    {
        int q = pathAndQuery.IndexOf('?');
        var query = WebRequest.ParseQuery(q < 0 ? "" : pathAndQuery[(q + 1)..]);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Host"] = "localhost:8080" };
        return handle(new WebRequest("GET", q < 0 ? pathAndQuery : pathAndQuery[..q], query, IPAddress.Loopback, "", headers));
    }

    [Fact]
    public void AnalysisUiUnderABasePathLinksOnlyBelowIt()
    {
        var ui = new WebUi(WebTestProfile.Create(), new PprofConfig(), "t", _settings, WebAccess.Open, "/s/abc");
        var r = Get(ui.Handle, "/");
        Assert.Equal(303, r.Status);
        Assert.Equal("/s/abc/ui/", r.Headers.Single(h => h.Key == "Location").Value);
        foreach (var view in new[] { "/ui/", "/ui/top", "/ui/flamegraph", "/ui/peek", "/ui/source" })
        {
            string html = Get(ui.Handle, view).Text;
            var urls = System.Text.RegularExpressions.Regex.Matches(html, "(?:href|src|data-path)=\"(/[^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
            Assert.NotEmpty(urls);
            // Besides the icon, only the brand leaves the base: it leads back to the hosting server's index.
            Assert.All(urls, u => Assert.True(u.StartsWith("/s/abc/ui/", StringComparison.Ordinal) || u == "/favicon.ico" || u == "/", view + ": " + u));
            Assert.Single(urls, u => u == "/");
            Assert.Contains("\"base\":\"/s/abc\"", html);
        }
        // At the root, nothing changes.
        var root = new WebUi(WebTestProfile.Create(), new PprofConfig(), "t", _settings, WebAccess.Open);
        Assert.Contains("href=\"/ui/assets/ui.css\"", Get(root.Handle, "/ui/top").Text);
    }

    [Fact]
    public void SelectionTokensRoundTripAndAreBounded()
    {
        var s = new HistorySelection
        {
            Service = "shop & co",
            Type = "cpu",
            From = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            To = new DateTime(2026, 1, 2, 3, 9, 5, DateTimeKind.Utc),
            BaseFrom = new DateTime(2026, 1, 2, 2, 0, 0, DateTimeKind.Utc),
            BaseTo = new DateTime(2026, 1, 2, 2, 5, 0, DateTimeKind.Utc),
            Labels = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["pid"] = "42", ["endpoint"] = "/a b!'()*é" },
        };
        Assert.True(HistorySelection.TryParseToken(s.Token, out var back, out string error), error);
        Assert.Equal(s.Token, back!.Token);
        Assert.Equal(s.Service, back.Service);
        Assert.Equal(s.From, back.From);
        Assert.Equal(s.BaseTo, back.BaseTo);
        Assert.Equal("/a b!'()*é", back.Labels["endpoint"]);
        Assert.True(back.IsDiff);
        Assert.Contains("2026-01-02 02:00:00\u201302:05:00 UTC \u2192 2026-01-02 03:04:05\u201303:09:05 UTC", back.Describe());

        foreach (string bad in new[]
        {
            "", "%%%", new string('A', HistorySelection.MaxTokenLength + 4), Token("from=1&to=2"), Token("type=cpu&from=1"),
            Token("type=cpu&from=2&to=1"), Token("type=cpu&from=1&to=2&base_from=5"), Token("type=cpu&from=1&to=253402300800000"),
            Token("type=cpu&from=1&to=2&l.=x"), Token("type=cpu&from=1&to=2&l.k=" + new string('v', 257)),
            Token("type=cpu&from=1&to=2&" + string.Join("&", Enumerable.Range(0, 17).Select(i => $"l.k{i}=v"))),
            Token("type=%0A&from=1&to=2"),
        })
        {
            Assert.False(HistorySelection.TryParseToken(bad, out _, out error), bad);
            Assert.NotEmpty(error);
        }
    }

    private static string Token(string query) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(query)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public void SelectionCacheBuildsOnceKeepsAFewAndForgetsFailures()
    {
        var cache = new SelectionCache<string>(3);
        int builds = 0;
        Parallel.For(0, 16, _ => Assert.Equal("v", cache.Get("k", () =>
        {
            Interlocked.Increment(ref builds);
            Thread.Sleep(20);
            return "v";
        })));
        Assert.Equal(1, builds);
        for (int i = 0; i < 10; i++) cache.Get("k" + i, () => "x");
        Assert.Equal(3, cache.Count);
        Assert.Throws<InvalidOperationException>(() => cache.Get("bad", () => throw new InvalidOperationException("no")));
        Assert.Equal("ok", cache.Get("bad", () => "ok"));
    }

    private static Profile Cpu(long count, string leaf)
    {
        var p = new Profile { SampleTypes = { new ProfileValueType("samples", "count"), new ProfileValueType("cpu", "nanoseconds") } };
        var f = new Function { Id = 1, Name = leaf, SystemName = leaf };
        var l = new Location { Id = 1, Lines = new[] { new Line(f, 1) } };
        p.Functions.Add(f);
        p.Locations.Add(l);
        p.Samples.Add(new Sample(new[] { l }, new[] { count, count * 10_000_000 }));
        return p;
    }

    [Fact]
    public void TimelineJsonAndSelectionsOfAStore()
    {
        var t0 = new DateTime(DateTime.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, DateTimeKind.Utc).AddMinutes(-30);
        using (var w = ProfileStore.Open(_dir, new ProfileStoreOptions { MaintenanceInterval = TimeSpan.Zero }))
        {
            var profiles = new List<StoredProfile>();
            var stats = new List<StatsPoint>();
            for (int i = 0; i < 10; i++)
            {
                var start = t0.AddSeconds(15 * i);
                foreach (var pid in new[] { "1", "2" })
                {
                    var labels = new Dictionary<string, string> { ["pid"] = pid };
                    profiles.Add(new StoredProfile("svc", "cpu", labels, start, TimeSpan.FromSeconds(15), Cpu(pid == "1" ? 10 : 1, "f" + pid)));
                    stats.Add(new StatsPoint("svc", labels, start, new Dictionary<string, double> { ["rss_bytes"] = 1000 * (i + 1), ["memory_limit_bytes"] = 1e6 }));
                }
            }
            w.Write(profiles, stats);
        }
        using var store = ProfileStore.Open(_dir, new ProfileStoreOptions { ReadOnly = true });
        var ui = new HistoryUi(store, "test", _settings, WebAccess.Open);
        long from = (long)(t0 - DateTime.UnixEpoch).TotalMilliseconds, to = from + 150_000;

        var r = Get(ui.Handle, $"/api/timeline?from={from}&to={to}&buckets=10&type=cpu&split=pid");
        Assert.Equal(200, r.Status);
        using var doc = JsonDocument.Parse(r.Body);
        var cpu = doc.RootElement.GetProperty("types")[0];
        Assert.Equal("cpu", cpu.GetProperty("type").GetString());
        Assert.All(cpu.GetProperty("values").EnumerateArray(), v => Assert.Equal(11 * 10_000_000L, v.GetInt64()));
        var lines = doc.RootElement.GetProperty("split").GetProperty("lines");
        Assert.Equal(2, lines.GetArrayLength());
        Assert.Equal(100_000_000L, lines[0].GetProperty("values")[3].GetInt64());
        Assert.Equal(10_000_000L, lines[1].GetProperty("values")[3].GetInt64());
        // Memory: the two processes' RSS summed per bucket; the limit too.
        var memory = doc.RootElement.GetProperty("memory");
        Assert.Equal("rss_bytes", memory[0].GetProperty("metric").GetString());
        Assert.Equal(2 * 4000.0, memory[0].GetProperty("values")[3].GetDouble());
        Assert.Equal(2, doc.RootElement.GetProperty("processes").GetInt32());

        // Focus on one process: the memory series narrow to it.
        using var one = JsonDocument.Parse(Get(ui.Handle, $"/api/timeline?from={from}&to={to}&buckets=10&l.pid=2").Body);
        Assert.Equal(4000.0, one.RootElement.GetProperty("memory")[0].GetProperty("values")[3].GetDouble());
        Assert.Equal(10_000_000L, one.RootElement.GetProperty("types")[0].GetProperty("values")[3].GetInt64());

        // Selections: each one's profile is merged once and at most CachedSelections are kept.
        for (int i = 0; i < 20; i++)
        {
            var sel = new HistorySelection { Type = "cpu", From = t0, To = t0.AddSeconds(15 * (i % 10 + 1)) };
            var page = Get(ui.Handle, "/s/" + sel.Token + "/ui/top");
            Assert.Equal(200, page.Status);
            Assert.Contains("data-name=\"f1\"", page.Text);
        }
        Assert.Equal(HistoryUi.CachedSelections, ui.CachedCount);
        // A diff of the second half against the first: equal profiles, nothing grew.
        var diff = new HistorySelection { Type = "cpu", From = t0.AddSeconds(75), To = t0.AddSeconds(150), BaseFrom = t0, BaseTo = t0.AddSeconds(75) };
        string top = Get(ui.Handle, "/s/" + diff.Token + "/ui/top").Text;
        Assert.Contains("id=\"diff-banner\"", top);
        Assert.Contains("<a class=\"view active\" data-path=\"/s/" + diff.Token + "/ui/top\"", top);
    }
}
