using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Pprof.AspNetCore;
using Pprof.Profiles;

namespace Pprof.Cli.BrowserTests;

/// <summary>The live dashboard in a real browser: ASP.NET Core's MapStatsviz in a Kestrel application of this process,
/// and <c>dotnet-pprof dashboard -p PID</c> against the workload process. The page connects over its WebSocket, the
/// charts move (points arrive and are drawn), pause holds the view while data keeps arriving, and the capture buttons
/// download profiles that parse and show the process's known work. The demo shop's dashboard under its faults is
/// screenshotted into $PPROF_SCREENSHOTS (docs/images/dashboard.png comes from there).</summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(90);

    private IPlaywright? _playwright;
    private IBrowser _browser = null!;
    private readonly List<Process> _processes = new();

    private static string ScreenshotDir => Environment.GetEnvironmentVariable("PPROF_SCREENSHOTS") is { Length: > 0 } d
        ? d : Path.Combine(AppContext.BaseDirectory, "screenshots");

    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";

    public async Task InitializeAsync()
    {
        string chromium = Environment.GetEnvironmentVariable("PPROF_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium";
        if (!File.Exists(chromium)) throw new InvalidOperationException($"Chromium not found at {chromium}: install the chromium package (apt-get install -y chromium) or set PPROF_CHROMIUM");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = new[] { "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage" },
        });
    }

    public async Task DisposeAsync()
    {
        foreach (var p in _processes)
        {
            try
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                p.WaitForExit(10000);
            }
            catch (InvalidOperationException)
            {
            }
            p.Dispose();
        }
        if (_browser != null) await _browser.CloseAsync();
        _playwright?.Dispose();
    }

    [Fact]
    public async Task MapStatsvizConnectsMovesPausesAndItsCpuButtonDownloadsAProfileOfTheHotMethod()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddPprof(o =>
        {
            o.HeapProfiling = false;
            o.AllocationSampling = false;
            o.ThreadCreateProfiling = false;
            o.ExceptionProfiling = false;
        });
        await using var app = builder.Build();
        app.MapPprof();
        app.MapStatsviz();
        await app.StartAsync();
        string root = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        using var stop = new CancellationTokenSource();
        var spinner = new Thread(() =>
        {
            while (!stop.IsCancellationRequested) DashboardHotMethod();
        }) { IsBackground = true, Name = "dashboard-spin" };
        spinner.Start();
        try
        {
            await using var s = await BrowserSession.Open(_browser, 1280, 900);
            // The page without its slash redirects to it, so that its relative URLs (script, ws) resolve.
            await s.Page.GotoAsync(root + "/debug/statsviz");
            Assert.EndsWith("/debug/statsviz/", s.Page.Url);
            await Connected(s);
            Assert.Contains("in-process", await s.Page.Locator("#title").TextContentAsync());
            await ChartsMove(s);

            // Pause: points keep arriving, the drawing holds; resume: it moves again.
            await s.Page.ClickAsync("#pause");
            Assert.Equal("resume", await s.Page.Locator("#pause").TextContentAsync());
            int p0 = await Points(s);
            await WaitPoints(s, p0 + 1);
            string? held = await s.Page.GetAttributeAsync("body", "data-drawn");
            await WaitPoints(s, p0 + 3);
            Assert.Equal(held, await s.Page.GetAttributeAsync("body", "data-drawn"));
            await s.Page.ClickAsync("#pause");
            await s.Page.WaitForFunctionAsync("d => Number(document.body.dataset.drawn) > d", int.Parse(held!, CultureInfo.InvariantCulture),
                new PageWaitForFunctionOptions { Timeout = (float)s_wait.TotalMilliseconds });

            // The buttons link to the pprof endpoints mapped beside the dashboard.
            var kinds = await s.Page.Locator("a.capture").EvaluateAllAsync<string[]>("as => as.map(a => a.dataset.kind)");
            Assert.Equal(new[] { "cpu", "allocs", "goroutine" }, kinds);
            var cpu = await Download(s, "cpu");
            Assert.Contains(cpu.SampleTypes, t => t.Type == "cpu");
            Assert.Contains(cpu.Samples, x => x.Locations.Any(l => l.Lines.Any(line => line.Function?.Name.EndsWith(nameof(DashboardHotMethod), StringComparison.Ordinal) == true)));
            var goroutine = await Download(s, "goroutine");
            Assert.NotEmpty(goroutine.Samples);
            NoErrors(s);
        }
        finally
        {
            stop.Cancel();
            spinner.Join();
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task DashboardVerbConnectsToTheTestTargetMovesAndItsButtonsCollectProfilesFromIt()
    {
        var target = Start(DotnetHost, Path.Combine(AppContext.BaseDirectory, "Pprof.Runtime.TestTarget.dll"), "180", "cpu", "exceptions");
        string ready = await target.StandardOutput.ReadLineAsync().WaitAsync(s_wait) ?? "";
        Assert.StartsWith("ready", ready);
        string url = await StartDashboard("-p", target.Id.ToString(CultureInfo.InvariantCulture));

        await using var s = await BrowserSession.Open(_browser, 1280, 900);
        await s.Page.GotoAsync(url);
        await Connected(s);
        Assert.Contains($"pid {target.Id} (out-of-process)", await s.Page.Locator("#title").TextContentAsync());
        await ChartsMove(s);
        // What the charts draw is the target's: it spins and throws.
        var last = await s.Page.EvaluateAsync<double[]>("() => { const p = window.pprofDashboard.points(); const l = p[p.length - 1]; return [l.cpu, l.threads, p.reduce((a, x) => a + (x.exceptionRate || 0), 0)]; }");
        Assert.True(last[0] > 0, "cpu");
        Assert.True(last[1] > 0, "threads");
        Assert.True(last[2] > 0, "exceptions");

        var kinds = await s.Page.Locator("a.capture").EvaluateAllAsync<string[]>("as => as.map(a => a.dataset.kind)");
        Assert.Equal(new[] { "cpu", "heap", "goroutine" }, kinds);
        var goroutine = await Download(s, "goroutine");
        Assert.Contains(goroutine.SampleTypes, t => t.Type == "goroutine");
        var cpu = await Download(s, "cpu");
        Assert.Contains($"of pid {target.Id} ", cpu.Comments[0]);
        Assert.Contains(cpu.Samples, x => x.Locations.Any(l => l.Lines.Any(line => line.Function?.Name == "Pprof.Runtime.TestTarget.Workloads.HotMethod")));
        NoErrors(s);

        // The process exits: the page says so.
        target.Kill();
        await s.Page.WaitForSelectorAsync("#status.closed", new PageWaitForSelectorOptions { Timeout = (float)s_wait.TotalMilliseconds });
    }

    [Fact]
    public async Task TheDemoShopsDashboardShowsItsFaultsAndIsScreenshotted()
    {
        var shop = Start(DotnetHost, Path.Combine(AppContext.BaseDirectory, "Pprof.Demo.Shop.dll"), "--urls", "http://127.0.0.1:0", "--faults", "all",
            "--exit-with-parent", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        string root = "";
        while (await shop.StandardOutput.ReadLineAsync().WaitAsync(s_wait) is { } line)
        {
            if (!line.StartsWith("Pprof.Demo.Shop listening on ", StringComparison.Ordinal)) continue;
            root = line["Pprof.Demo.Shop listening on ".Length..].Trim().TrimEnd('/');
            break;
        }
        Assert.NotEqual("", root);
        _ = DrainAsync(shop.StandardOutput);
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(i => Task.Run(() => Shop(root, i, stop.Token))).ToArray();
        try
        {
            await using var s = await BrowserSession.Open(_browser, 1400, 1250);
            await s.Page.GotoAsync(root + "/debug/statsviz/");
            await Connected(s);
            // A minute of the faults: contention on the inventory lock, coupon exceptions, the pending shipment
            // confirmations and the recommendation cache's growth.
            await s.Page.SelectOptionAsync("#window", "60");
            await WaitPoints(s, 45);
            var seen = await s.Page.EvaluateAsync<double[]>("() => { const p = window.pprofDashboard.points(); return [p.reduce((a, x) => a + (x.lockContentionRate || 0), 0), p.reduce((a, x) => a + (x.exceptionRate || 0), 0), p.reduce((a, x) => a + x.gcs[0] + x.gcs[1] + x.gcs[2], 0)]; }");
            Assert.True(seen[0] > 0, "lock contention seen");
            Assert.True(seen[1] > 0, "exceptions seen");
            Assert.True(seen[2] > 0, "GCs seen");
            Directory.CreateDirectory(ScreenshotDir);
            await s.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, "dashboard.png"), FullPage = true });
            NoErrors(s);
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(load);
        }
    }

    /// <summary>A shopper of the demo shop, as the demo's load drives it: browse, product pages, cart, checkout.</summary>
    private static async Task Shop(string root, int shopper, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = new Uri(root), Timeout = TimeSpan.FromSeconds(30) };
        var random = new Random(shopper * 7919 + 17);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                string visitor = Guid.NewGuid().ToString("N");
                (await client.GetAsync($"/api/products?page={random.Next(1, 6)}", ct)).Dispose();
                for (int i = 0; i < 8; i++)
                {
                    int product = random.Next(1, 121);
                    (await client.GetAsync($"/api/products/{product}?visitor={visitor}", ct)).Dispose();
                    if (i % 4 == 0)
                        (await client.PostAsync($"/api/cart/{visitor}/items", System.Net.Http.Json.JsonContent.Create(new { productId = product, quantity = random.Next(1, 4) }), ct)).Dispose();
                }
                (await client.GetAsync($"/api/cart/{visitor}", ct)).Dispose();
                (await client.PostAsync($"/api/cart/{visitor}/checkout{(random.Next(4) == 0 ? "?coupon=WELCOME10" : "")}", null, ct)).Dispose();
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
            {
                if (ct.IsCancellationRequested) return;
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double DashboardHotMethod()
    {
        double x = 0;
        for (int i = 0; i < 2_000_000; i++) x += Math.Sqrt(i);
        return x;
    }

    /// <summary>Starts <c>dotnet-pprof dashboard ARGS -http=127.0.0.1:0 -no_browser</c> and returns the page's URL.</summary>
    private async Task<string> StartDashboard(params string[] args)
    {
        var cli = Start(DotnetHost, new[] { Path.Combine(AppContext.BaseDirectory, "dotnet-pprof.dll"), "dashboard" }.Concat(args).Concat(new[] { "-http=127.0.0.1:0", "-no_browser" }).ToArray());
        _ = DrainAsync(cli.StandardOutput);
        var lines = new List<string>();
        while (await cli.StandardError.ReadLineAsync().WaitAsync(s_wait) is { } line)
        {
            lines.Add(line);
            int on = line.IndexOf(" on http://", StringComparison.Ordinal);
            if (line.StartsWith("Serving the dashboard of pid ", StringComparison.Ordinal) && on > 0)
            {
                _ = DrainAsync(cli.StandardError);
                return line[(on + 4)..].Trim();
            }
        }
        throw new InvalidOperationException("dotnet-pprof dashboard did not start:\n" + string.Join("\n", lines));
    }

    private Process Start(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        _processes.Add(p);
        return p;
    }

    private static async Task DrainAsync(StreamReader r)
    {
        try
        {
            while (await r.ReadLineAsync() != null)
            {
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>The WebSocket is open and the hello has named the process.</summary>
    private static async Task Connected(BrowserSession s)
    {
        await s.Page.WaitForSelectorAsync("body[data-connected='true']", new PageWaitForSelectorOptions { Timeout = (float)s_wait.TotalMilliseconds });
        await s.Page.WaitForFunctionAsync("() => document.getElementById('title').textContent.startsWith('pid ')", null, new PageWaitForFunctionOptions { Timeout = (float)s_wait.TotalMilliseconds });
    }

    /// <summary>Points arrive, and the charts draw more of them.</summary>
    private static async Task ChartsMove(BrowserSession s)
    {
        await WaitPoints(s, 2);
        int drawn = int.Parse(await s.Page.GetAttributeAsync("body", "data-drawn") ?? "0", CultureInfo.InvariantCulture);
        await WaitPoints(s, await Points(s) + 2);
        await s.Page.WaitForFunctionAsync("d => Number(document.body.dataset.drawn) > d", drawn, new PageWaitForFunctionOptions { Timeout = (float)s_wait.TotalMilliseconds });
        Assert.Equal(11, await s.Page.Locator("section.chart canvas").CountAsync());
    }

    private static async Task<int> Points(BrowserSession s) => int.Parse(await s.Page.GetAttributeAsync("body", "data-points") ?? "0", CultureInfo.InvariantCulture);

    private static async Task WaitPoints(BrowserSession s, int n) =>
        await s.Page.WaitForFunctionAsync("n => Number(document.body.dataset.points) >= n", n, new PageWaitForFunctionOptions { Timeout = (float)s_wait.TotalMilliseconds + n * 2000 });

    /// <summary>Clicks the capture button of <paramref name="kind"/> and parses what it downloads.</summary>
    private static async Task<Profile> Download(BrowserSession s, string kind)
    {
        var download = await s.Page.RunAndWaitForDownloadAsync(() => s.Page.ClickAsync($"a.capture[data-kind='{kind}']"),
            new PageRunAndWaitForDownloadOptions { Timeout = 120000 });
        Assert.Null(await download.FailureAsync());
        string path = (await download.PathAsync())!;
        return Profile.Parse(await File.ReadAllBytesAsync(path));
    }

    private static void NoErrors(BrowserSession s) => Assert.True(s.Errors.Count == 0, string.Join("\n", s.Errors));

}
