using System.Net;
using System.Text;
using Microsoft.Playwright;

namespace Pprof.Cli.BrowserTests;

/// <summary>The history UI (<c>dotnet-pprof history -http</c>) in a real browser on a store with known contents
/// (<see cref="HistoryStoreData"/>): the timeline draws every profile type and the memory sawtooth, a dragged range
/// shows its flame graph (the hot method only inside the hot window), two ranges show the differential flame graph,
/// a label split draws one line per value and focusing on one narrows everything; hostile parameters get 4xx.</summary>
public sealed class HistoryBrowserTests : IClassFixture<HistoryBrowserFixture>
{
    private const long NanosPerSample = 10_000_000;
    private readonly HistoryBrowserFixture _f;

    public HistoryBrowserTests(HistoryBrowserFixture fixture) => _f = fixture;


    private static long Ms(DateTime t) => (long)(t - DateTime.UnixEpoch).TotalMilliseconds;

    private DateTime At(double minutes) => _f.T0.AddMinutes(minutes);

    /// <summary>Opens the page and waits for its first timeline.</summary>
    private async Task Open(BrowserSession s)
    {
        await s.Page.GotoAsync(_f.Url + "/");
        await s.Page.WaitForSelectorAsync("body[data-loads='1']", new PageWaitForSelectorOptions { Timeout = 30000 });
    }

    /// <summary>Waits until the timeline has been drawn more than <paramref name="loads"/> times.</summary>
    private static async Task WaitLoads(BrowserSession s, int loads) =>
        await s.Page.WaitForFunctionAsync($"() => parseInt(document.body.getAttribute('data-loads') || '0', 10) > {loads}",
            null, new PageWaitForFunctionOptions { Timeout = 30000 });

    private static async Task<int> Loads(BrowserSession s) => int.Parse(await s.Page.GetAttributeAsync("body", "data-loads") ?? "0");

    /// <summary>Drags across the timeline from <paramref name="from"/> to <paramref name="to"/>.</summary>
    private static async Task Drag(BrowserSession s, DateTime from, DateTime to)
    {
        var xy = await s.Page.EvaluateAsync<double[]>(@"([a, b]) => {
            const r = document.getElementById('tl-drag').getBoundingClientRect(), d = window.pprofHistory.data();
            const x = t => r.left + (t - d.from) / (d.to - d.from) * r.width;
            return [x(a), x(b), r.top + r.height / 2]; }", new[] { Ms(from), Ms(to) });
        await s.Page.Mouse.MoveAsync((float)xy[0], (float)xy[2]);
        await s.Page.Mouse.DownAsync();
        await s.Page.Mouse.MoveAsync((float)((xy[0] + xy[1]) / 2), (float)xy[2], new MouseMoveOptions { Steps = 3 });
        await s.Page.Mouse.MoveAsync((float)xy[1], (float)xy[2], new MouseMoveOptions { Steps = 3 });
        await s.Page.Mouse.UpAsync();
    }

    /// <summary>Waits until the frame shows the current selection's page, fully set up.</summary>
    private static async Task WaitFrame(BrowserSession s, string path = "/ui/flamegraph") =>
        await s.Page.WaitForFunctionAsync(@"(path) => {
            const f = document.getElementById('view'), t = f.getAttribute('data-token');
            if (!t || f.hidden) return false;
            try {
                const w = f.contentWindow, b = w.document.body;
                return w.location.pathname === '/s/' + t + path && b && b.getAttribute('data-ready') === '1';
            } catch (e) { return false; } }", path, new PageWaitForFunctionOptions { Timeout = 60000 });

    /// <summary>The share of the total of each frame of the frame's flame graph (by function name, cum).</summary>
    private static async Task<Dictionary<string, double>> FlameShares(BrowserSession s)
    {
        var pairs = await s.Page.EvaluateAsync<string[][]>(@"() => {
            const fg = document.getElementById('view').contentWindow.pprofFlameGraph, out = [];
            for (let i = 1; i < fg.count; i++) out.push([fg.nameOf(i), String(fg.data.cum[i] / fg.data.total)]);
            return out; }");
        var d = new Dictionary<string, double>();
        foreach (var p in pairs) d[p[0]] = Math.Max(d.GetValueOrDefault(p[0]), double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        return d;
    }

    private async Task Shot(BrowserSession s, string name) =>
        await s.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_f.ScreenshotDir, name + ".png"), FullPage = false });

    private void NoErrorsAndOffline(BrowserSession s)
    {
        Assert.True(s.Errors.Count == 0, string.Join("\n", s.Errors));
        Assert.All(s.Requests, u => Assert.StartsWith(_f.Url + "/", u));
    }

    [Fact]
    public async Task TimelineDrawsEveryTypeAndTheMemorySawtooth()
    {
        await using var s = await BrowserSession.Open(_f.Browser, 1280, 1000);
        await Open(s);
        Assert.Equal("shop", await s.Page.EvalOnSelectorAsync<string>("#service", "e => e.value"));
        Assert.Equal("cpu", await s.Page.EvalOnSelectorAsync<string>("#type", "e => e.value"));
        int buckets = int.Parse(await s.Page.GetAttributeAsync("#timeline svg", "data-buckets") ?? "0");
        Assert.InRange(buckets, 24, 600);
        Assert.Equal("2", await s.Page.GetAttributeAsync("#timeline svg", "data-types"));
        var types = await s.Page.Locator("path.tl-type").EvaluateAllAsync<string[][]>(
            "ps => ps.map(p => [p.getAttribute('data-type'), p.getAttribute('data-points'), p.getAttribute('data-total')])");
        Assert.Equal(new[] { "cpu", "allocs" }, types.Select(t => t[0]));
        Assert.All(types, t => Assert.Equal(buckets.ToString(), t[1]));
        // Every cpu profile of the window is counted: 120 intervals of 100 + 50 samples, and 40 of 400 more.
        long cpuTotal = (HistoryStoreData.Intervals * 150 + (HistoryStoreData.HotEnd - HistoryStoreData.HotFirst) * 400) * NanosPerSample;
        Assert.Equal(cpuTotal.ToString(), types[0][2]);
        Assert.Equal((HistoryStoreData.Intervals * 300L * 4096).ToString(), types[1][2]);

        // The memory chart: RSS, GC heap and the limit, RSS a sawtooth of six teeth (five drops).
        var metrics = await s.Page.Locator("path.tl-mem").EvaluateAllAsync<string[]>("ps => ps.map(p => p.getAttribute('data-metric'))");
        Assert.Equal(new[] { "rss_bytes", "gc_heap_size_bytes", "memory_limit_bytes" }, metrics);
        Assert.Equal(((100 + (HistoryStoreData.ToothIntervals - 1) * 8) * HistoryStoreData.MiB).ToString(),
            await s.Page.GetAttributeAsync("path.tl-mem[data-metric='rss_bytes']", "data-max"));
        int drops = await s.Page.EvaluateAsync<int>(@"() => {
            const v = window.pprofHistory.data().memory.find(m => m.metric === 'rss_bytes').values.filter(x => x !== null);
            let n = 0; for (let i = 1; i < v.length; i++) if (v[i] < v[i - 1]) n++; return n; }");
        Assert.Equal(HistoryStoreData.Intervals / HistoryStoreData.ToothIntervals - 1, drops);

        // Nothing selected yet: no frame, a hint.
        Assert.True(await s.Page.Locator("#view").IsHiddenAsync());
        Assert.True(await s.Page.Locator("#hint").IsVisibleAsync());
        await Shot(s, "history-timeline");
        NoErrorsAndOffline(s);
    }

    [Fact]
    public async Task DraggingARangeShowsItsFlameGraph()
    {
        await using var s = await BrowserSession.Open(_f.Browser, 1280, 1000);
        await Open(s);

        // The hot window (minutes 10 to 20): main.hotLoop is 400 of every 550 samples.
        await Drag(s, At(10.1), At(19.9));
        await WaitFrame(s);
        var hot = await FlameShares(s);
        Assert.True(hot.GetValueOrDefault("main.hotLoop") > 0.6, "main.hotLoop share in the hot window: " + hot.GetValueOrDefault("main.hotLoop"));
        Assert.True(hot.GetValueOrDefault("main.hotLoop") > hot.GetValueOrDefault("main.steady"));
        var sel = await s.Page.Locator("rect.tl-sel[data-which='a']").EvaluateAsync<long[]>("r => [+r.getAttribute('data-from'), +r.getAttribute('data-to')]");
        Assert.InRange(sel[0], Ms(At(9.5)), Ms(At(10.1)));
        Assert.InRange(sel[1], Ms(At(19.9)), Ms(At(20.5)));
        await Shot(s, "history-flamegraph");

        // Open Top in the frame; a later range keeps the view.
        await s.Page.FrameLocator("#view").Locator("#views a[data-path$='/ui/top']").ClickAsync();
        await WaitFrame(s, "/ui/top");
        await s.Page.WaitForFunctionAsync("() => location.hash.indexOf('view=%2Fui%2Ftop') >= 0");

        // After the hot window: no main.hotLoop at all.
        await Drag(s, At(22), At(28));
        await WaitFrame(s, "/ui/top");
        var names = await s.Page.FrameLocator("#view").Locator("#toptable tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.getAttribute('data-name'))");
        Assert.Contains("main.steady", names);
        Assert.Contains("main.background", names);
        Assert.DoesNotContain("main.hotLoop", names);

        // A reload restores the selection and the view from the URL.
        await s.Page.ReloadAsync();
        await s.Page.WaitForSelectorAsync("body[data-loads='1']");
        await WaitFrame(s, "/ui/top");
        Assert.Equal(1, await s.Page.Locator("rect.tl-sel").CountAsync());
        NoErrorsAndOffline(s);
    }

    [Fact]
    public async Task TwoRangesShowTheDifferentialFlameGraph()
    {
        await using var s = await BrowserSession.Open(_f.Browser, 1280, 1000);
        await Open(s);
        await Drag(s, At(2), At(8));
        await WaitFrame(s);
        Assert.True(await s.Page.FrameLocator("#view").Locator("#diff-banner").CountAsync() == 0);
        await s.Page.Locator("#compare").CheckAsync();
        await Drag(s, At(12), At(18));
        await WaitFrame(s);
        Assert.Equal(2, await s.Page.Locator("rect.tl-sel").CountAsync());
        Assert.True(await s.Page.FrameLocator("#view").Locator("#diff-banner").IsVisibleAsync());
        Assert.Contains("Base", await s.Page.Locator("#status").InnerTextAsync());
        var colours = await s.Page.EvaluateAsync<string[]>(@"() => {
            const fg = document.getElementById('view').contentWindow.pprofFlameGraph, out = {};
            for (let i = 1; i < fg.count; i++) out[fg.nameOf(i)] = fg._colour(i);
            return [out['main.hotLoop'] || '']; }");
        Assert.StartsWith("hsl(0,85%", colours[0]);   // grew: red
        // The base is the first range: main.hotLoop's growth is all of its value in the second.
        var shares = await FlameShares(s);
        Assert.True(shares.GetValueOrDefault("main.hotLoop") > 0.5, "main.hotLoop in the comparison: " + shares.GetValueOrDefault("main.hotLoop"));
        await Shot(s, "history-diff");

        await s.Page.Locator("#clear").ClickAsync();
        Assert.True(await s.Page.Locator("#view").IsHiddenAsync());
        Assert.Equal(0, await s.Page.Locator("rect.tl-sel").CountAsync());
        NoErrorsAndOffline(s);
    }

    [Fact]
    public async Task SplitByALabelDrawsOneLinePerValueAndFocusNarrows()
    {
        await using var s = await BrowserSession.Open(_f.Browser, 1280, 1000);
        await Open(s);
        int loads = await Loads(s);
        await s.Page.SelectOptionAsync("#split", "pid");
        await WaitLoads(s, loads);
        Assert.Equal("2", await s.Page.GetAttributeAsync("#timeline svg", "data-split-lines"));
        var lines = await s.Page.Locator("path.tl-split").EvaluateAllAsync<string[][]>(
            "ps => ps.map(p => [p.getAttribute('data-value'), p.getAttribute('data-total'), p.getAttribute('data-max')])");
        Assert.Equal(new[] { "100", "200" }, lines.Select(l => l[0]));
        Assert.Equal(((HistoryStoreData.Intervals * 100L + 40 * 400) * NanosPerSample).ToString(), lines[0][1]);
        Assert.Equal((HistoryStoreData.Intervals * 50L * NanosPerSample).ToString(), lines[1][1]);
        Assert.True(long.Parse(lines[0][2]) > long.Parse(lines[1][2]));
        Assert.Equal(2, await s.Page.Locator("#legend .legend-item").CountAsync());
        await Drag(s, At(10.1), At(19.9));
        await WaitFrame(s);
        await Shot(s, "history-split");

        // Focus on pid 200: the type rows and the selection's profile hold only that process.
        loads = await Loads(s);
        await s.Page.Locator("#legend .legend-item[data-value='200']").ClickAsync();
        await WaitLoads(s, loads);
        Assert.Equal("200", await s.Page.EvalOnSelectorAsync<string>("#focus", "e => e.value"));
        Assert.Equal((HistoryStoreData.Intervals * 50L * NanosPerSample).ToString(), await s.Page.GetAttributeAsync("path.tl-type[data-type='cpu']", "data-total"));
        Assert.Contains("dimmed", await s.Page.GetAttributeAsync("path.tl-split[data-value='100']", "class") ?? "");
        await WaitFrame(s);
        string token = await s.Page.GetAttributeAsync("#view", "data-token") ?? "";
        string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/').PadRight((token.Length + 3) / 4 * 4, '=')));
        Assert.Contains("l.pid=200", decoded);
        var shares = await FlameShares(s);
        Assert.Contains("main.background", shares.Keys);
        Assert.DoesNotContain("main.hotLoop", shares.Keys);
        Assert.DoesNotContain("main.steady", shares.Keys);
        NoErrorsAndOffline(s);
    }

    [Fact]
    public async Task HostileParametersGetClientErrors()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_f.Url) };
        long from = Ms(_f.T0), to = Ms(At(30));
        async Task<(HttpStatusCode, string)> Get(string path)
        {
            using var r = await http.GetAsync(path);
            return (r.StatusCode, await r.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.OK, (await Get($"/api/timeline?from={from}&to={to}")).Item1);
        foreach (var bad in new[]
        {
            "/api/timeline", $"/api/timeline?from={from}", "/api/timeline?from=abc&to=1", $"/api/timeline?from={to}&to={from}",
            "/api/timeline?from=-5&to=10", "/api/timeline?from=0&to=99999999999999999999", $"/api/timeline?from={from}&to={to}&buckets=0",
            $"/api/timeline?from={from}&to={to}&buckets=100000", $"/api/timeline?from={from}&to={to}&split=pid",
            $"/api/timeline?from={from}&to={to}&l.pid=" + new string('x', 300),
            $"/api/timeline?from={from}&to={to}&" + string.Join("&", Enumerable.Range(0, 17).Select(i => $"l.k{i}=v")),
            $"/api/timeline?from={from}&to={to}&type=%01",
            "/s/!!!/ui/", "/s/" + new string('A', 5000) + "/ui/", "/s/" + Token("type=cpu") + "/ui/", "/s/" + Token($"type=cpu&from={to}&to={from}") + "/ui/",
        })
        {
            var (status, body) = await Get(bad);
            Assert.True(status == HttpStatusCode.BadRequest, bad + ": " + status + " " + body);
        }

        // A token the server would write differently is redirected to its canonical form.
        using (var r = await http.GetAsync("/s/" + Token($"to={to}&from={from}&type=cpu") + "/ui/flamegraph"))
        {
            Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode);
            Assert.Equal("/s/" + Token($"type=cpu&from={from}&to={to}") + "/ui/flamegraph", r.Headers.Location?.OriginalString);
        }
        // A selection's pages may be framed by the page, by no other site.
        using (var r = await http.GetAsync("/s/" + Token($"type=cpu&from={from}&to={to}") + "/ui/top"))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("SAMEORIGIN", r.Headers.GetValues("X-Frame-Options").Single());
            Assert.Contains("main.hotLoop", await r.Content.ReadAsStringAsync());
        }
        // A range without profiles, an unknown path, a write, a foreign Host.
        var (emptyStatus, emptyBody) = await Get("/s/" + Token("type=cpu&from=1000&to=2000") + "/ui/flamegraph");
        Assert.Equal(HttpStatusCode.NotFound, emptyStatus);
        Assert.Contains("No cpu profiles in the range", emptyBody);
        Assert.Equal(HttpStatusCode.NotFound, (await Get("/nope")).Item1);
        using (var r = await http.PostAsync("/api/series", new StringContent("{}")))
            Assert.Equal(HttpStatusCode.MethodNotAllowed, r.StatusCode);
        using (var req = new HttpRequestMessage(HttpMethod.Get, "/api/series"))
        {
            req.Headers.Host = "evil.example";
            using var r = await http.SendAsync(req);
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }
    }

    private static string Token(string query) => Convert.ToBase64String(Encoding.UTF8.GetBytes(query)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
