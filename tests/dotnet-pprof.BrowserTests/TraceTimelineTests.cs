using System.Globalization;
using Microsoft.Playwright;

namespace Pprof.Cli.BrowserTests;

/// <summary>The trace UI's timeline in a real browser, on a real trace: lanes named after the threads, zoom narrows
/// the visible range and fetches finer data, a selected range gets a summary of each lane's time by state, the index
/// links the views, nothing is fetched from elsewhere and no page logs an error.</summary>
public sealed class TraceTimelineTests : IClassFixture<TraceTimelineFixture>
{
    private readonly TraceTimelineFixture _f;

    public TraceTimelineTests(TraceTimelineFixture fixture) => _f = fixture;


    private async Task OpenTimeline(BrowserSession s)
    {
        await s.Page.GotoAsync(_f.Url + "/timeline");
        await s.Page.WaitForSelectorAsync("#timeline[data-loaded]", new PageWaitForSelectorOptions { Timeout = 30_000 });
    }

    private static async Task<(long From, long To)> Range(BrowserSession s)
    {
        string from = (await s.Page.GetAttributeAsync("#timeline", "data-from"))!, to = (await s.Page.GetAttributeAsync("#timeline", "data-to"))!;
        return (long.Parse(from, CultureInfo.InvariantCulture), long.Parse(to, CultureInfo.InvariantCulture));
    }

    private void NoErrorsAndOffline(BrowserSession s)
    {
        Assert.True(s.Errors.Count == 0, string.Join("\n", s.Errors));
        Assert.All(s.Requests, u => Assert.StartsWith(_f.Url, u, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TimelineHasALaneForEachThreadNamedAfterIt()
    {
        await using var s = await BrowserSession.Open(_f.Browser, 1400, 800);
        await OpenTimeline(s);
        var names = (await s.Page.Locator("#lane-names .lane").AllTextContentsAsync()).ToList();
        foreach (var name in new[] { "lock-1", "lock-2", "lock-3", "gc-forcer", "wl-traceregion" }) Assert.Contains(names, n => n.StartsWith(name + " (", StringComparison.Ordinal));
        var (from, to) = await Range(s);
        Assert.Equal(0, from);
        Assert.Equal(_f.Trace.DurationNanos, to);
        // Something is drawn in the lock lanes' rows: the canvas has lock-wait red there.
        bool red = await s.Page.EvaluateAsync<bool>("""
            () => {
              const c = document.getElementById('canvas'), ctx = c.getContext('2d'), dpr = window.devicePixelRatio || 1;
              const rows = Array.from(document.querySelectorAll('#lane-names div'));
              const i = rows.findIndex(d => d.textContent.startsWith('lock-1 ('));
              const px = ctx.getImageData(0, Math.round((i * 18 + 9) * dpr), c.width, 1).data;
              for (let x = 0; x < px.length; x += 4) if (px[x] === 0xe5 && px[x + 1] === 0x39 && px[x + 2] === 0x35) return true;
              return false;
            }
            """);
        Assert.True(red, "no lock wait drawn in lock-1's lane");
        await s.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_f.ScreenshotDir, "trace-timeline.png") });
        NoErrorsAndOffline(s);
    }

    [Fact]
    public async Task ZoomNarrowsTheVisibleRangeAndFetchesFinerData()
    {
        await using var s = await BrowserSession.Open(_f.Browser, 1400, 800);
        await OpenTimeline(s);
        var (from0, to0) = await Range(s);
        var box = (await s.Page.Locator("#canvas").BoundingBoxAsync())!;
        await s.Page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + 60);
        for (int i = 0; i < 5; i++) await s.Page.Mouse.WheelAsync(0, -200);
        // Wait for the data of the window now shown.
        await s.Page.WaitForFunctionAsync("() => { const t = document.getElementById('timeline'); return t.getAttribute('data-loaded') !== '0' && t.getAttribute('data-loaded-range') === t.getAttribute('data-from') + '-' + t.getAttribute('data-to'); }", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        var (from1, to1) = await Range(s);
        Assert.True(to1 - from1 < (to0 - from0) / 2, $"range {from1}..{to1} after zooming in from {from0}..{to0}");
        Assert.InRange(from1, from0, to0);
        Assert.InRange(to1, from0, to0);
        // The data now asked for is the zoomed window.
        Assert.Contains(s.Requests, u => u.Contains("/timeline/data?from=" + from1.ToString(CultureInfo.InvariantCulture) + "&to=" + to1.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        // Keys: S zooms out again, 0 shows the whole trace.
        await s.Page.FocusAsync("#timeline");
        await s.Page.Keyboard.PressAsync("s");
        var (from2, to2) = await Range(s);
        Assert.True(to2 - from2 > to1 - from1);
        await s.Page.Keyboard.PressAsync("0");
        Assert.Equal((from0, to0), await Range(s));
        NoErrorsAndOffline(s);
    }

    [Fact]
    public async Task SelectingARangeSummarizesEachLanesTimeByState()
    {
        await using var s = await BrowserSession.Open(_f.Browser, 1400, 800);
        await OpenTimeline(s);
        var box = (await s.Page.Locator("#canvas").BoundingBoxAsync())!;
        float y = box.Y + 60;
        await s.Page.Keyboard.DownAsync("Shift");
        await s.Page.Mouse.MoveAsync(box.X + box.Width * 0.2f, y);
        await s.Page.Mouse.DownAsync();
        await s.Page.Mouse.MoveAsync(box.X + box.Width * 0.5f, y, new MouseMoveOptions { Steps = 5 });
        await s.Page.Mouse.MoveAsync(box.X + box.Width * 0.7f, y, new MouseMoveOptions { Steps = 5 });
        await s.Page.Mouse.UpAsync();
        await s.Page.Keyboard.UpAsync("Shift");
        await s.Page.WaitForSelectorAsync("#summary-table", new PageWaitForSelectorOptions { Timeout = 30_000 });
        // The view did not move: shift-drag selects.
        Assert.Equal((0L, _f.Trace.DurationNanos), await Range(s));
        string heading = await s.Page.Locator("#summary h2").TextContentAsync() ?? "";
        Assert.StartsWith("Selection ", heading);
        var rows = s.Page.Locator("#summary-table tbody tr");
        var lockRow = rows.Filter(new LocatorFilterOptions { HasText = "lock-1 (" });
        Assert.Equal(1, await lockRow.CountAsync());
        long lockNanos = long.Parse((await lockRow.Locator("td[data-state='lock']").GetAttributeAsync("data-nanos"))!, CultureInfo.InvariantCulture);
        long runNanos = long.Parse((await lockRow.Locator("td[data-state='running']").GetAttributeAsync("data-nanos"))!, CultureInfo.InvariantCulture);
        // Half of 4 s selected: a lock thread both waited and ran, each for a good part of it, and no more than the range.
        long range = (long)(_f.Trace.DurationNanos * 0.5);
        Assert.InRange(lockNanos, range / 20, range + range / 10);
        Assert.InRange(runNanos, range / 50, range + range / 10);
        var forcer = rows.Filter(new LocatorFilterOptions { HasText = "gc-forcer (" });
        // The GC forcer mostly sleeps (from its samples in Thread.Sleep: a loaded machine skips some, hence no tighter bound).
        long forcerSleep = long.Parse((await forcer.Locator("td[data-state='sleep']").GetAttributeAsync("data-nanos"))!, CultureInfo.InvariantCulture);
        long forcerRun = long.Parse((await forcer.Locator("td[data-state='running']").GetAttributeAsync("data-nanos"))!, CultureInfo.InvariantCulture);
        Assert.True(forcerSleep > range / 10 && forcerSleep > forcerRun, $"gc-forcer slept {forcerSleep / 1e6:0} ms, ran {forcerRun / 1e6:0} ms");
        Assert.Contains(" GCs, pauses ", await s.Page.Locator("#summary p").TextContentAsync() ?? "", StringComparison.Ordinal);
        await s.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_f.ScreenshotDir, "trace-selection.png"), FullPage = true });
        NoErrorsAndOffline(s);
    }

    [Fact]
    public async Task IndexLinksTheTimelineAndTheBlockingProfiles()
    {
        await using var s = await BrowserSession.Open(_f.Browser, 1400, 800);
        await s.Page.GotoAsync(_f.Url + "/");
        await s.Page.ClickAsync("#profile-sync a:text('flame graph')");
        await s.Page.WaitForURLAsync("**/pprof/sync/ui/flamegraph");
        await s.Page.WaitForSelectorAsync("body[data-ready='1']", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.Contains("WaitForLock", await s.Page.ContentAsync(), StringComparison.Ordinal);
        // The pprof views' own links stay under the profile's prefix, and the brand leads back to the index.
        await s.Page.ClickAsync("#views a:text('Top')");
        await s.Page.WaitForURLAsync("**/pprof/sync/ui/top");
        await s.Page.ClickAsync("a.brand");
        await s.Page.WaitForURLAsync(_f.Url + "/");
        await s.Page.ClickAsync("#link-timeline");
        await s.Page.WaitForSelectorAsync("#timeline[data-loaded]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        NoErrorsAndOffline(s);
    }
}
