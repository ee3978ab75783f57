using System.Diagnostics;
using Microsoft.Playwright;
using Pprof.Report.Visual;
using PprofProfile = Pprof.Profile.Profile;

// Flame graph benchmarks (issue 6, item 5):
//   data PROFILE [iterations]        times the flame-graph data (tree + JSON) for PROFILE
//   page PROFILE [runs] [chromium] [minFraction]   writes the -flamegraph page and times it to interactive in headless Chromium
//   generate OUT [samples]           writes the synthetic benchmark profile (1M samples by default)
if (args.Length >= 2 && args[0] == "generate")
{
    int samples = args.Length > 2 ? int.Parse(args[2]) : 1_000_000;
    var p = PprofBench.SyntheticProfile.Create(samples, 20_000, 40);
    using (var f = File.Create(args[1])) p.Write(f);
    Console.WriteLine($"wrote {args[1]}: {samples} samples");
    return 0;
}
if (args.Length >= 2 && args[0] == "data")
{
    int iterations = args.Length > 2 ? int.Parse(args[2]) : 5;
    var profile = PprofProfile.Parse(File.ReadAllBytes(args[1]));
    var options = Options(profile);
    var times = new List<double>();
    var cpu = new List<double>();
    var self = Process.GetCurrentProcess();
    int nodes = 0;
    long bytes = 0;
    for (int i = 0; i < iterations; i++)
    {
        GC.Collect();
        self.Refresh();
        var cpu0 = self.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var g = FlameGraph.Build(profile, options);
        var ms = new MemoryStream();
        g.WriteJson(ms);
        sw.Stop();
        self.Refresh();
        cpu.Add((self.TotalProcessorTime - cpu0).TotalMilliseconds);
        nodes = g.Count;
        bytes = ms.Length;
        times.Add(sw.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    cpu.Sort();
    Console.WriteLine($"flame-graph data for {Path.GetFileName(args[1])} ({profile.Samples.Count} samples): median {times[times.Count / 2]:F0} ms, " +
                      $"min {times[0]:F0} ms wall (CPU time median {cpu[cpu.Count / 2]:F0} ms) over {iterations} runs; {nodes} frames, {bytes / 1024.0:F0} KiB of JSON; " +
                      $"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    return 0;
}
if (args.Length >= 2 && args[0] == "page")
{
    int runs = args.Length > 2 ? int.Parse(args[2]) : 3;
    string chromium = args.Length > 3 ? args[3] : "/usr/bin/chromium";
    double minFraction = args.Length > 4 ? double.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 0.0001;
    var profile = PprofProfile.Parse(File.ReadAllBytes(args[1]));
    string html = Path.Combine(Path.GetTempPath(), "pprof-flamebench-" + Environment.ProcessId + ".html");
    var g = FlameGraph.Build(profile, Options(profile, minFraction));
    using (var f = File.Create(html)) FlameGraphPage.Write(f, g);
    try
    {
        using var pw = await Playwright.CreateAsync();
        await using var browser = await pw.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = new[] { "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage" },
        });
        var marks = new List<double>();
        var walls = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
            var sw = Stopwatch.StartNew();
            await page.GotoAsync("file://" + html, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
            await page.WaitForSelectorAsync("body[data-ready='1']", new PageWaitForSelectorOptions { Timeout = 60000 });
            sw.Stop();
            // Time from the start of navigation to the first complete drawing of the graph (performance mark).
            double mark = await page.EvaluateAsync<double>("() => performance.getEntriesByName('pprof-interactive')[0].startTime");
            // The graph responds: a search redraws everything.
            var sw2 = Stopwatch.StartNew();
            await page.EvaluateAsync("() => window.pprofFlameGraph.search('Module1\\\\.')");
            sw2.Stop();
            marks.Add(mark);
            walls.Add(sw.Elapsed.TotalMilliseconds);
            Console.WriteLine($"run {i + 1}: interactive at {mark:F0} ms after navigation start (wall {sw.Elapsed.TotalMilliseconds:F0} ms); search + redraw {sw2.Elapsed.TotalMilliseconds:F0} ms; drawn frames {await page.GetAttributeAsync("#fg-graph", "data-drawn")}");
            await page.CloseAsync();
        }
        marks.Sort();
        walls.Sort();
        Console.WriteLine($"flame-graph page for {Path.GetFileName(args[1])} ({g.Count} frames, {new FileInfo(html).Length / 1024.0:F0} KiB): " +
                          $"interactive in median {marks[marks.Count / 2]:F0} ms (wall {walls[walls.Count / 2]:F0} ms) in headless Chromium over {runs} runs");
    }
    finally
    {
        File.Delete(html);
    }
    return 0;
}
Console.Error.WriteLine("usage: Pprof.VisualBench data PROFILE [iterations] | page PROFILE [runs] [chromium] [minFraction] | generate OUT [samples]");
return 2;

static FlameGraphOptions Options(PprofProfile p, double minFraction = 0.0001) => new()
{
    MinFraction = minFraction,
    SampleValue = v => v[^1],
    SampleType = p.SampleTypes[^1].Type,
    Unit = p.SampleTypes[^1].Unit,
    Title = "benchmark",
};
