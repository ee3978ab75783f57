using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Pprof.Cli.BrowserTests;

/// <summary>The web UI in a real browser: every view opens, the flame graph zooms, Refine changes the Top table, the
/// sample type switches, search highlights, nothing is fetched from elsewhere, and no page logs a console error.</summary>
public sealed class WebBrowserTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _f;

    public WebBrowserTests(BrowserFixture fixture) => _f = fixture;

    /// <summary>A page that records console errors, uncaught exceptions and every URL requested.</summary>
    private sealed class Session : IAsyncDisposable
    {
        public readonly List<string> Errors = new();
        public readonly List<string> Requests = new();
        public IPage Page = null!;
        public string PromptAnswer = "saved-view";
        private IBrowserContext _context = null!;

        public static async Task<Session> Open(BrowserFixture f)
        {
            var s = new Session();
            s._context = await f.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
            s.Page = await s._context.NewPageAsync();
            s.Page.Console += (_, m) =>
            {
                if (m.Type == "error") s.Errors.Add("console: " + m.Text);
            };
            s.Page.PageError += (_, e) => s.Errors.Add("page error: " + e);
            s.Page.Request += (_, r) => s.Requests.Add(r.Url);
            s.Page.Dialog += async (_, d) => await d.AcceptAsync(s.PromptAnswer);
            return s;
        }

        public async Task Go(string url)
        {
            await Page.GotoAsync(url);
            await Page.WaitForSelectorAsync("body[data-ready='1']", new PageWaitForSelectorOptions { Timeout = 10000 });
        }

        public async ValueTask DisposeAsync() => await _context.CloseAsync();
    }

    private async Task Shot(Session s, string name) =>
        await s.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_f.ScreenshotDir, name + ".png"), FullPage = false });

    private static void NoErrors(Session s) => Assert.True(s.Errors.Count == 0, string.Join("\n", s.Errors));

    private async Task<List<string>> TopNames(Session s) =>
        (await s.Page.Locator("#toptable tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.getAttribute('data-name'))")).ToList();

    [Fact]
    public async Task EveryViewOpensAndWorksOffline()
    {
        await using var s = await Session.Open(_f);

        await s.Go(_f.Url + "/ui/top");
        var names = await TopNames(s);
        Assert.Contains("json.Marshal", names);
        Assert.Contains("db.Query", names);
        await Shot(s, "top");

        await s.Go(_f.Url + "/ui/");
        Assert.True(await s.Page.Locator("#graph svg g.node").CountAsync() >= 5);
        Assert.Contains("handle", await s.Page.Locator("#graph svg").TextContentAsync());
        await Shot(s, "graph");

        await s.Go(_f.Url + "/ui/flamegraph");
        int drawn = int.Parse(await s.Page.GetAttributeAsync("#flamegraph", "data-drawn") ?? "0");
        Assert.True(drawn >= 10, "frames drawn: " + drawn);
        await Shot(s, "flamegraph");

        await s.Go(_f.Url + "/ui/peek?f=main.handle");
        string peek = await s.Page.Locator("#report").InnerTextAsync();
        Assert.Contains("main.handle", peek);
        Assert.Contains("json.Marshal", peek);
        Assert.DoesNotContain("runtime.schedule", peek);
        await Shot(s, "peek");

        await s.Go(_f.Url + "/ui/source?f=db.Query");
        Assert.Contains("ROUTINE ======================== db.Query", await s.Page.Locator("#report").InnerTextAsync());
        await Shot(s, "source");

        // Every request stayed on the tool's own server: no CDN.
        Assert.All(s.Requests, u => Assert.StartsWith(_f.Url + "/", u));
        NoErrors(s);
    }

    [Fact]
    public async Task ClickingAFlameGraphFrameZoomsIntoIt()
    {
        await using var s = await Session.Open(_f);
        await s.Go(_f.Url + "/ui/flamegraph");
        // Where is main.background drawn? Ask the graph for its box.
        var box = await s.Page.EvaluateAsync<double[]>(@"() => {
            const fg = window.pprofFlameGraph;
            for (let i = 0; i < fg.count; i++) if (fg.nameOf(i) === 'main.background') {
                const r = fg.canvas.getBoundingClientRect();
                return [r.left + (fg.x[i] - fg.x[fg.zoomed]) * fg.scale + 4, r.top + fg._rowY(fg.data.depth[i]) + 8, fg.w[i] * fg.scale, i];
            }
            return null; }");
        Assert.NotNull(box);
        Assert.True(box[2] < 1280 * 0.5, "before zooming the frame is narrow: " + box[2]);
        await s.Page.Mouse.MoveAsync((float)box[0], (float)box[1]);
        Assert.Contains("main.background", await s.Page.Locator(".fg-tooltip").InnerTextAsync());
        Assert.Contains("cum: 220ms (22.0%)", await s.Page.Locator(".fg-tooltip").InnerTextAsync());
        Assert.Contains("flat: 0ns (0.00%)", await s.Page.Locator(".fg-tooltip").InnerTextAsync());
        await s.Page.Mouse.ClickAsync((float)box[0], (float)box[1]);
        Assert.Equal(((int)box[3]).ToString(), await s.Page.GetAttributeAsync("#flamegraph", "data-zoomed"));
        double width = await s.Page.EvaluateAsync<double>("() => { const fg = window.pprofFlameGraph; return fg.w[fg.zoomed] * fg.scale; }");
        Assert.True(width > 1000, "after zooming the frame fills the width: " + width);
        Assert.Contains("main.background", await s.Page.Locator("#selection").InnerTextAsync());
        await Shot(s, "flamegraph-zoomed");

        // Icicle orientation and search highlighting.
        await s.Page.SelectOptionAsync("#fg-orientation", "icicle");
        await s.Page.FillAsync("#search", "gc");
        Assert.Contains("Matched", await s.Page.Locator("#fg-status").InnerTextAsync());
        await s.Page.Keyboard.PressAsync("Escape");
        await s.Page.Locator("#fg-reset").ClickAsync();
        Assert.Equal("0", await s.Page.GetAttributeAsync("#flamegraph", "data-zoomed"));
        await Shot(s, "flamegraph-icicle-search");
        NoErrors(s);
    }

    [Fact]
    public async Task FocusFromASelectedRowChangesTheTopTable()
    {
        await using var s = await Session.Open(_f);
        await s.Go(_f.Url + "/ui/top");
        var before = await TopNames(s);
        Assert.Contains("runtime.schedule", before);
        await s.Page.Locator("#toptable tbody tr[data-name='main.background']").ClickAsync();
        await s.Page.Locator("#refine-button").ClickAsync();
        await Task.WhenAll(s.Page.WaitForURLAsync(new Regex("f=")), s.Page.Locator("#refine-focus").ClickAsync());
        await s.Page.WaitForSelectorAsync("body[data-ready='1']");
        var after = await TopNames(s);
        Assert.Contains("runtime.gcBgMarkWorker", after);
        Assert.Contains("cache.Evict", after);
        Assert.DoesNotContain("runtime.schedule", after);
        Assert.DoesNotContain("json.Marshal", after);
        Assert.Contains("focus=", await s.Page.Locator("#labels").InnerTextAsync());
        await Shot(s, "top-focused");

        // The view links keep the filter; Reset drops it.
        Assert.Contains("f=", await s.Page.GetAttributeAsync("#views a[data-path='/ui/flamegraph']", "href") ?? "");
        await s.Page.Locator("#refine-button").ClickAsync();
        await Task.WhenAll(s.Page.WaitForURLAsync(u => !u.Contains("f=")), s.Page.Locator("#refine-reset").ClickAsync());
        await s.Page.WaitForSelectorAsync("body[data-ready='1']");
        Assert.Contains("runtime.schedule", await TopNames(s));
        NoErrors(s);
    }

    [Fact]
    public async Task IgnoreFromTheSearchBoxAndSortingAndHighlighting()
    {
        await using var s = await Session.Open(_f);
        await s.Go(_f.Url + "/ui/top");
        await s.Page.FillAsync("#search", "^db\\.");
        Assert.Equal(1, await s.Page.Locator("#toptable tbody tr.match").CountAsync());
        // Sort by name, ascending.
        await s.Page.Locator("#toptable th[data-key='name']").ClickAsync();
        var sorted = await TopNames(s);
        Assert.Equal(sorted.OrderBy(n => n, StringComparer.Ordinal).ToList(), sorted);
        await s.Page.Locator("#refine-button").ClickAsync();
        await Task.WhenAll(s.Page.WaitForURLAsync(new Regex("i=")), s.Page.Locator("#refine-ignore").ClickAsync());
        await s.Page.WaitForSelectorAsync("body[data-ready='1']");
        var names = await TopNames(s);
        Assert.DoesNotContain("db.Query", names);
        Assert.DoesNotContain("net.Read", names);
        Assert.Contains("json.Marshal", names);
        NoErrors(s);
    }

    [Fact]
    public async Task SwitchingTheSampleTypeChangesTheValues()
    {
        await using var s = await Session.Open(_f);
        await s.Go(_f.Url + "/ui/top");
        string cpu = await s.Page.Locator("#toptable tbody tr:first-child td:first-child").InnerTextAsync();
        Assert.EndsWith("s", cpu);
        await Task.WhenAll(s.Page.WaitForURLAsync(new Regex("si=samples")), s.Page.SelectOptionAsync("#sample-type", "samples"));
        await s.Page.WaitForSelectorAsync("body[data-ready='1']");
        string samples = await s.Page.Locator("#toptable tbody tr:first-child td:first-child").InnerTextAsync();
        Assert.Equal("40", samples);
        Assert.Contains("Type: samples", await s.Page.Locator("#labels").InnerTextAsync());
        Assert.Equal("samples", await s.Page.EvalOnSelectorAsync<string>("#sample-type", "e => e.value"));
        NoErrors(s);
    }

    [Fact]
    public async Task GraphHighlightsSearchAndSavedConfigurationsRoundTrip()
    {
        await using var s = await Session.Open(_f);
        await s.Go(_f.Url + "/ui/?f=main.serve");
        await s.Page.FillAsync("#search", "Query");
        Assert.True(await s.Page.Locator("#graph g.node.match").CountAsync() >= 1);
        // Zooming with the wheel changes the view box.
        string before = await s.Page.GetAttributeAsync("#graph svg", "viewBox") ?? "";
        await s.Page.Mouse.MoveAsync(600, 500);
        await s.Page.Mouse.WheelAsync(0, -400);
        Assert.NotEqual(before, await s.Page.GetAttributeAsync("#graph svg", "viewBox"));

        await s.Page.Locator("#config-button").ClickAsync();
        await s.Page.EvaluateAsync("() => { window.__before = true; }");
        await s.Page.Locator("#config-save").ClickAsync();
        await s.Page.WaitForFunctionAsync("() => !window.__before && document.body && document.body.getAttribute('data-ready') === '1'");
        await s.Page.WaitForSelectorAsync("body[data-ready='1']");
        await s.Go(_f.Url + "/ui/top");
        await s.Page.Locator("#config-button").ClickAsync();
        await Task.WhenAll(s.Page.WaitForURLAsync(new Regex("f=main.serve")), s.Page.Locator(".config-link", new PageLocatorOptions { HasText = "saved-view" }).ClickAsync());
        await s.Page.WaitForSelectorAsync("body[data-ready='1']");
        Assert.DoesNotContain("runtime.schedule", await TopNames(s));
        NoErrors(s);
    }

    [Fact]
    public async Task DifferentialFlameGraphColoursGrowthAndShrinkage()
    {
        await using var s = await Session.Open(_f);
        await s.Go(_f.DiffUrl + "/ui/flamegraph");
        Assert.True(await s.Page.Locator("#diff-banner").IsVisibleAsync());
        Assert.Contains("grew", await s.Page.Locator(".fg-legend").InnerTextAsync());
        var colours = await s.Page.EvaluateAsync<string[]>(@"() => {
            const fg = window.pprofFlameGraph, out = {};
            for (let i = 1; i < fg.count; i++) out[fg.nameOf(i)] = fg._colour(i);
            return [out['json.Marshal'], out['net.Read'], out['runtime.schedule']]; }");
        Assert.StartsWith("hsl(0,85%", colours[0]);   // grew: red
        Assert.StartsWith("hsl(215,85%", colours[1]); // shrank: blue
        Assert.Equal("hsl(0,0%,85%)", colours[2]);    // unchanged: grey
        await Shot(s, "flamegraph-diff");
        await s.Go(_f.DiffUrl + "/ui/top");
        await Shot(s, "top-diff");
        NoErrors(s);
    }
    [Fact]
    public async Task StandaloneFlameGraphFileWorksFromDisk()
    {
        var profile = FixtureProfiles.Cpu();
        var graph = Pprof.Report.Visual.FlameGraph.Build(profile, new Pprof.Report.Visual.FlameGraphOptions
        {
            SampleValue = v => v[1], SampleType = "cpu", Unit = "nanoseconds", Title = "fixture-service \u2014 flame graph",
        });
        string file = Path.Combine(Path.GetTempPath(), "standalone-flame-" + Guid.NewGuid().ToString("N") + ".html");
        try
        {
            using (var f = File.Create(file)) Pprof.Report.Visual.FlameGraphPage.Write(f, graph);
            await using var s = await Session.Open(_f);
            await s.Go("file://" + file);
            Assert.True(int.Parse(await s.Page.GetAttributeAsync("#fg-graph", "data-drawn") ?? "0") >= 10);
            await s.Page.FillAsync("#fg-search", "^db");
            Assert.Contains("Matched: 35.0%", await s.Page.Locator("#fg-status").InnerTextAsync());
            var box = await s.Page.EvaluateAsync<double[]>(@"() => {
                const fg = window.pprofFlameGraph;
                for (let i = 0; i < fg.count; i++) if (fg.nameOf(i) === 'db.Query') {
                    const r = fg.canvas.getBoundingClientRect();
                    return [r.left + (fg.x[i] - fg.x[fg.zoomed]) * fg.scale + 4, r.top + fg._rowY(fg.data.depth[i]) + 8, i];
                }
                return null; }");
            await s.Page.Mouse.ClickAsync((float)box[0], (float)box[1]);
            Assert.Equal(((int)box[2]).ToString(), await s.Page.GetAttributeAsync("#fg-graph", "data-zoomed"));
            await Shot(s, "flamegraph-standalone");
            Assert.All(s.Requests, u => Assert.StartsWith("file://", u));
            NoErrors(s);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task RootRedirectsToTheGraphAndSourceStartsWithTheTopFunction()
    {
        await using var s = await Session.Open(_f);
        await s.Go(_f.Url + "/");
        Assert.Equal(_f.Url + "/ui/", s.Page.Url);
        Assert.Equal("Graph", await s.Page.GetAttributeAsync("body", "data-view"));
        Assert.True(await s.Page.Locator("#graph svg g.node").CountAsync() >= 5);

        // Without a focus, Source lists the function with the largest flat value (json.Marshal, 40 of 100).
        await s.Go(_f.Url + "/ui/source");
        Assert.Contains("ROUTINE ======================== json.Marshal", await s.Page.Locator("#report").InnerTextAsync());
        // The views menu goes to Peek with the current parameters.
        await s.Go(_f.Url + "/ui/top?si=samples");
        await Task.WhenAll(s.Page.WaitForURLAsync(new Regex("/ui/peek\\?si=samples")), s.Page.Locator("#views a[data-path='/ui/peek']").ClickAsync());
        await s.Page.WaitForSelectorAsync("body[data-ready='1']");
        Assert.Contains("main.serve", await s.Page.Locator("#report").InnerTextAsync());
        Assert.Contains("Type: samples", await s.Page.Locator("#labels").InnerTextAsync());
        NoErrors(s);
    }

    [Fact]
    public async Task SavedConfigurationIsDeletedFromTheMenu()
    {
        await using var s = await Session.Open(_f);
        s.PromptAnswer = "to-delete";
        await s.Go(_f.Url + "/ui/flamegraph?i=runtime");
        await s.Page.Locator("#config-button").ClickAsync();
        await s.Page.EvaluateAsync("() => { window.__before = true; }");
        await s.Page.Locator("#config-save").ClickAsync();
        await s.Page.WaitForFunctionAsync("() => !window.__before && document.body && document.body.getAttribute('data-ready') === '1'");
        Assert.Equal(1, await s.Page.Locator(".config-link", new PageLocatorOptions { HasText = "to-delete" }).CountAsync());
        Assert.Contains("i=runtime", File.ReadAllText(_f.SettingsPath));

        await s.Page.Locator("#config-button").ClickAsync();
        await s.Page.EvaluateAsync("() => { window.__before = true; }");
        await s.Page.Locator(".config-entry", new PageLocatorOptions { HasText = "to-delete" }).Locator(".config-delete").ClickAsync();
        await s.Page.WaitForFunctionAsync("() => !window.__before && document.body && document.body.getAttribute('data-ready') === '1'");
        Assert.Equal(0, await s.Page.Locator(".config-link", new PageLocatorOptions { HasText = "to-delete" }).CountAsync());
        Assert.DoesNotContain("to-delete", File.ReadAllText(_f.SettingsPath));
        NoErrors(s);
    }
}
