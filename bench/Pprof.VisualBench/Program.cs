using Pprof.Profiles;
using System.Diagnostics;
using Microsoft.Playwright;
using Pprof.Report.Visual;

// Flame graph benchmarks (issue 6, item 5):
//   data PROFILE [iterations]        times the flame-graph data (tree + JSON) for PROFILE
//   page PROFILE [runs] [chromium] [minFraction]   writes the -flamegraph page and times it to interactive in headless Chromium
//   generate OUT [samples]           writes the synthetic benchmark profile (1M samples by default)
//   shape PROFILE                    prints the stacks' shape and the flame graph's size at several cut-offs
//   dump PROFILE PREFIX [folded]     writes the flame-graph JSON (and folded stacks) of PROFILE and of a comparison
//                                    made from it (every third sample negated), to check that output stays the same
if (args.Length >= 2 && args[0] == "generate")
{
    int samples = args.Length > 2 ? int.Parse(args[2]) : 1_000_000;
    var p = PprofBench.SyntheticProfile.Create(samples, 20_000, 40);
    using (var f = File.Create(args[1])) p.Write(f);
    Console.WriteLine($"wrote {args[1]}: {samples} samples");
    return 0;
}
if (args.Length >= 2 && args[0] == "shape")
{
    // What the flame graph works on: stacks, frames, distinct stacks, and the tree's size at several cut-offs.
    var profile = Profile.Parse(File.ReadAllBytes(args[1]));
    long frames = 0;
    var distinct = new HashSet<string>();
    var names = new HashSet<string>();
    foreach (var s in profile.Samples)
    {
        foreach (var loc in s.Locations)
        {
            frames += Math.Max(1, loc.Lines.Length);
            foreach (var line in loc.Lines) names.Add(line.Function?.Name ?? "");
        }
        distinct.Add(string.Join(",", s.Locations.Select(l => l.Id)));
    }
    Console.WriteLine($"samples {profile.Samples.Count}, frames {frames}, names {names.Count}, distinct stacks {distinct.Count}, locations {profile.Locations.Count}");
    foreach (var mf in new[] { 0.0001, 0.00001, 0.0 })
    {
        double c0 = ThreadCpuMs();
        var g = FlameGraph.Build(profile, Options(profile, mf));
        Console.WriteLine($"cut-off {mf}: {g.Count} frames kept, {g.DroppedNodes} dropped; built in {ThreadCpuMs() - c0:F0} ms thread CPU");
    }
    return 0;
}
if (args.Length >= 3 && args[0] == "dump")
{
    var profile = Profile.Parse(File.ReadAllBytes(args[1]));
    foreach (var mf in new[] { 0.0001, 0.00001 })
    {
        using var f = File.Create($"{args[2]}-{mf}.json");
        FlameGraph.Build(profile, Options(profile, mf)).WriteJson(f);
    }
    bool folded = args.Length > 3 && args[3] == "folded";
    if (folded) using (var w = new StreamWriter($"{args[2]}.folded")) FoldedStacks.Write(w, profile, v => v[^1]);
    // A comparison: every third sample negated (a base sample).
    for (int i = 0; i < profile.Samples.Count; i += 3)
    {
        var v = profile.Samples[i].Values;
        for (int j = 0; j < v.Length; j++) v[j] = -v[j];
    }
    using (var f = File.Create($"{args[2]}-diff.json")) FlameGraph.Build(profile, Options(profile)).WriteJson(f);
    if (folded) using (var w = new StreamWriter($"{args[2]}-diff.folded")) FoldedStacks.Write(w, profile, v => v[^1]);
    return 0;
}
if (args.Length >= 2 && args[0] == "data")
{
    int iterations = args.Length > 2 ? int.Parse(args[2]) : 5;
    var profile = Profile.Parse(File.ReadAllBytes(args[1]));
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
    // Where the time goes, in this thread's CPU time: the tree (stack table included), the JSON.
    var treeMs = new List<double>();
    var jsonMs = new List<double>();
    for (int i = 0; i < Math.Min(3, iterations); i++)
    {
        GC.Collect();
        double t1 = ThreadCpuMs();
        var g = FlameGraph.Build(profile, options);
        double t2 = ThreadCpuMs();
        g.WriteJson(new MemoryStream());
        double t3 = ThreadCpuMs();
        treeMs.Add(t2 - t1);
        jsonMs.Add(t3 - t2);
    }
    treeMs.Sort();
    jsonMs.Sort();
    Console.WriteLine($"  phases (thread CPU, min of {treeMs.Count}): tree {treeMs[0]:F0} ms, JSON {jsonMs[0]:F0} ms");
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
    var profile = Profile.Parse(File.ReadAllBytes(args[1]));
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
Console.Error.WriteLine("usage: Pprof.VisualBench data PROFILE [iterations] | page PROFILE [runs] [chromium] [minFraction] | generate OUT [samples] | shape PROFILE | dump PROFILE PREFIX [folded]");
return 2;

// CPU time of the calling thread (Linux), which other processes' load does not count in.
static double ThreadCpuMs() => long.Parse(File.ReadAllText("/proc/thread-self/schedstat").Split(' ')[0]) / 1e6;

static FlameGraphOptions Options(Profile p, double minFraction = 0.0001) => new()
{
    MinFraction = minFraction,
    SampleValue = v => v[^1],
    SampleType = p.SampleTypes[^1].Type,
    Unit = p.SampleTypes[^1].Unit,
    Title = "benchmark",
};
