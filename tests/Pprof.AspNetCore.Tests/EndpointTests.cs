using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;
using Pprof.Runtime;
using Pprof.Runtime.Internal;

namespace Pprof.AspNetCore.Tests;

/// <summary>Every endpoint of one application on Kestrel, through a real HttpClient: status, headers and a body that
/// says something true about the process.</summary>
[Collection(SerialCollection.Name)]
public sealed class EndpointTests : IClassFixture<AppFixture>
{
    private readonly TestApp _app;

    public EndpointTests(AppFixture fixture) => _app = fixture.App;

    private HttpClient Client => _app.Client;

    [Fact]
    public async Task IndexListsEveryProfileLikeGo()
    {
        using var r = await Client.GetAsync("/debug/pprof/");
        string html = await r.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/html; charset=utf-8", Http.Header(r, "Content-Type"));
        Assert.Equal("nosniff", Http.Header(r, "X-Content-Type-Options"));
        Assert.StartsWith("<html>\n<head>\n<title>/debug/pprof/</title>", html, StringComparison.Ordinal);
        Assert.Contains("Types of profiles available:", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"goroutine?debug=2\">full goroutine stack dump</a>", html, StringComparison.Ordinal);
        string[] names = { "allocs", "block", "cmdline", "exceptions", "goroutine", "heap", "mutex", "profile", "retention", "threadcreate", "trace", "wall" };
        int last = -1;
        foreach (var name in names)
        {
            int at = html.IndexOf($"<a href='{name}?debug=1'>{name}</a></td></tr>", StringComparison.Ordinal);
            Assert.True(at > last, $"{name} missing or out of order in the index");
            last = at;
            Assert.Contains($"<li><div class=profile-name>{name}: </div> ", html, StringComparison.Ordinal);
        }
        // The goroutine count is the number of threads: at least this one and Kestrel's.
        var count = System.Text.RegularExpressions.Regex.Match(html, @"<tr><td>(\d+)</td><td><a href='goroutine\?debug=1'>");
        Assert.True(count.Success && int.Parse(count.Groups[1].Value) > 1, "goroutine count");

        using var redirect = await Client.GetAsync("/debug/pprof");
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.Equal("/debug/pprof/", redirect.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task CmdlineIsArgvSeparatedByNul()
    {
        using var r = await Client.GetAsync("/debug/pprof/cmdline");
        string body = await r.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", Http.Header(r, "Content-Type"));
        string[] argv = body.Split('\0');
        // The runtime's view of the arguments after the program: the same, in order, at the end of argv.
        var args = Environment.GetCommandLineArgs().Skip(1).ToArray();
        Assert.Equal(args, argv[^args.Length..]);
        Assert.True(argv.Length > args.Length);
    }

    [Fact]
    public async Task VarsIsExpvarJsonWithMemstats()
    {
        var before = GC.CollectionCount(0);
        using var r = await Client.GetAsync("/debug/vars");
        string body = await r.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("application/json; charset=utf-8", Http.Header(r, "Content-Type"));
        Assert.StartsWith("{\n\"cmdline\": [", body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        var cmdline = json.RootElement.GetProperty("cmdline").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Equal(Environment.GetCommandLineArgs().Last(), cmdline.Last());
        var memstats = json.RootElement.GetProperty("memstats");
        Assert.True(memstats.GetProperty("NumGC").GetInt64() >= before);
        Assert.True(memstats.GetProperty("HeapAlloc").GetInt64() > 0);
    }

    [Fact]
    public async Task CpuProfileShowsTheSpinningMethod()
    {
        var spin = _app.SpinAsync(2500);
        using var r = await Client.GetAsync("/debug/pprof/profile?seconds=1.5");
        var p = await Http.AssertProfile(r, "profile");
        await spin;
        Assert.Equal("cpu", p.SampleTypes[^1].Type);
        Assert.Equal("nanoseconds", p.SampleTypes[^1].Unit);
        Assert.True(Http.HasFunction(p, "Workload.SpinHot"), "the CPU profile does not show Workload.SpinHot");
        Assert.InRange(p.DurationNanos, 1_000_000_000L, 30_000_000_000L);
        // Sampled on CPU through perf_event (this machine allows it), not estimated.
        Assert.Contains("cpu mode: on-cpu", p.Comments);
    }

    [Fact]
    public async Task SecondConcurrentCpuProfileGetsGosError()
    {
        // The first request must have started its profile before the second arrives; when the second wins that race
        // (a busy machine), the roles swap and the attempt is repeated.
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var first = Client.GetAsync("/debug/pprof/profile?seconds=3");
            await Http.Eventually(() => Http.CpuProfileRuns() || first.IsCompleted);
            using var second = await Client.GetAsync("/debug/pprof/profile?seconds=1");
            using var r = await first;
            if (second.StatusCode != HttpStatusCode.InternalServerError) continue;
            await Http.AssertGoError(second, HttpStatusCode.InternalServerError, "Could not enable CPU profiling: cpu profiling already in use");
            await Http.AssertProfile(r, "profile");
            return;
        }
        Assert.Fail("a CPU profile requested while another ran never got the 500 in 5 attempts");
    }

    [Fact]
    public async Task ClientThatGivesUpStopsTheCollection()
    {
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1.5)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client.GetAsync("/debug/pprof/profile?seconds=30", cts.Token));
        }
        // The 30 s profile stopped with its client: a new one starts within seconds, not after 30.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var r = await Client.GetAsync("/debug/pprof/profile?seconds=0.5");
            if (r.StatusCode == HttpStatusCode.OK)
            {
                await Http.AssertProfile(r, "profile");
                break;
            }
            Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "the abandoned CPU profile was not stopped");
            await Task.Delay(200);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task DurationBeyondTheMaximumIsRejected()
    {
        using var r = await Client.GetAsync("/debug/pprof/profile?seconds=301");
        await Http.AssertGoError(r, HttpStatusCode.BadRequest, "profile duration exceeds the server's maximum of 300 seconds (PprofOptions.MaxDuration)");
        using var t = await Client.GetAsync("/debug/pprof/retention?seconds=1000");
        Assert.Equal(HttpStatusCode.BadRequest, t.StatusCode);
    }

    [Fact]
    public async Task WallProfileHasWallTime()
    {
        var spin = _app.SpinAsync(1500);
        using var r = await Client.GetAsync("/debug/pprof/wall?seconds=0.5");
        var p = await Http.AssertProfile(r, "wall");
        await spin;
        Assert.Equal("wall", p.SampleTypes[^1].Type);
        Assert.True(p.Samples.Count > 0, "no samples; comments: " + string.Join(" / ", p.Comments));
        // Every wall sample says what its thread was doing; the spinning request thread was on (or wanting) a CPU.
        Assert.All(p.Samples, s => Assert.Contains(s.Labels?.GetValueOrDefault("thread_state")?[0], new[] { "running", "runnable", "sleeping", "lock", "wait", "io" }));
        Assert.Contains(p.Samples, s => s.Labels!["thread_state"][0] is "running" or "runnable");
    }

    [Fact]
    public async Task RetentionShowsObjectsHeldByAStaticField()
    {
        lock (Workload.Retained)
        {
            if (Workload.Retained.Count == 0) Workload.Retained.AddRange(Enumerable.Range(0, 500).Select(_ => new RetainedWidget()));
        }
        using var r = await Client.GetAsync("/debug/pprof/retention?gc=1");
        var p = await Http.AssertProfile(r, "retention");
        Assert.Contains(p.SampleTypes, t => t.Type == "inuse_space");
        var widgets = p.Samples.Where(s => s.Locations[0].Lines[0].Function?.Name.Contains("RetainedWidget", StringComparison.Ordinal) == true).ToList();
        int objects = p.SampleTypes.FindIndex(t => t.Type == "inuse_objects");
        Assert.True(widgets.Sum(s => s.Values[objects]) >= 500, "the heap profile does not count the 500 RetainedWidget objects");

        using var text = await Client.GetAsync("/debug/pprof/retention?debug=1");
        string body = await text.Content.ReadAsStringAsync();
        Assert.Equal("text/plain; charset=utf-8", Http.Header(text, "Content-Type"));
        Assert.Equal("", Http.Header(text, "Content-Disposition"));
        Assert.StartsWith("heap profile: ", body, StringComparison.Ordinal);
        Assert.Contains("RetainedWidget", body, StringComparison.Ordinal);
        Assert.Contains("# runtime.MemStats", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GoroutineDumpShowsAPendingAsyncMethod()
    {
        // One snapshot only: the runtime writes and reads a dump of the whole process (seconds on a loaded machine).
        _ = Workload.PendingForeverAsync();
        using var dump = await Client.GetAsync("/debug/pprof/goroutine?debug=2");
        string text = await dump.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, dump.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", Http.Header(dump, "Content-Type"));
        Assert.Equal("", Http.Header(dump, "Content-Disposition"));
        Assert.Contains("Workload.PendingForeverAsync", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetentionDeltaShowsWhatWasRetainedInBetween()
    {
        var request = Client.GetAsync("/debug/pprof/retention?seconds=2");
        // Widgets are retained in small batches for as long as the request runs: those retained before the first
        // snapshot cancel out, those retained between the snapshots (most of the 2 s window) remain. Waiting for the
        // first snapshot's gen-2 GC instead is racy: any other gen-2 GC of this process moves the same count.
        while (!request.IsCompleted)
        {
            lock (Workload.RetainedLater) Workload.RetainedLater.AddRange(Enumerable.Range(0, 50).Select(_ => new LaterWidget()));
            await Task.WhenAny(request, Task.Delay(25));
        }
        using var r = await request;
        var p = await Http.AssertProfile(r, "retention-delta");
        int objects = p.SampleTypes.FindIndex(t => t.Type == "inuse_objects");
        long later = p.Samples.Where(s => s.Locations[0].Lines[0].Function?.Name.Contains("LaterWidget", StringComparison.Ordinal) == true).Sum(s => s.Values[objects]);
        // At 50 widgets per 25 ms, a 2 s window retains far more than 300 between the snapshots, even on a loaded machine.
        Assert.True(later >= 300, $"delta of LaterWidget objects is {later}");
        Assert.InRange(p.DurationNanos, 1_500_000_000L, 120_000_000_000L);
    }

    [Fact]
    public async Task MutexDeltaShowsTheContendedLock()
    {
        var contend = Workload.ContendAsync(TimeSpan.FromSeconds(4));
        using var r = await Client.GetAsync("/debug/pprof/mutex?seconds=2");
        var p = await Http.AssertProfile(r, "mutex-delta");
        await contend;
        Assert.Equal("delay", p.SampleTypes[^1].Type);
        Assert.True(Http.HasFunction(p, "Workload.HoldContendedLock"), "the mutex profile does not show Workload.HoldContendedLock");
    }

    [Fact]
    public async Task AllocsWhenOffSaysHowToSwitchItOn()
    {
        using var r = await Client.GetAsync("/debug/pprof/allocs");
        var p = await Http.AssertProfile(r, "allocs");
        Assert.Contains(p.Comments, c => c.Contains("allocs profiling is off", StringComparison.Ordinal));
        using var text = await Client.GetAsync("/debug/pprof/threadcreate?debug=1");
        Assert.Equal(HttpStatusCode.OK, text.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", Http.Header(text, "Content-Type"));
    }

    [Fact]
    public async Task ParameterErrorsAreGos()
    {
        using (var r = await Client.GetAsync("/debug/pprof/allocs?seconds=1&debug=1"))
            await Http.AssertGoError(r, HttpStatusCode.BadRequest, "seconds and debug params are incompatible");
        using (var r = await Client.GetAsync("/debug/pprof/block?seconds=abc"))
            await Http.AssertGoError(r, HttpStatusCode.BadRequest, "invalid value for \"seconds\" - must be a positive integer");
        using (var r = await Client.GetAsync("/debug/pprof/mutex?seconds=-1"))
            await Http.AssertGoError(r, HttpStatusCode.BadRequest, "invalid value for \"seconds\" - must be a positive integer");
        using (var r = await Client.GetAsync("/debug/pprof/nosuchprofile"))
            await Http.AssertGoError(r, HttpStatusCode.NotFound, "Unknown profile");
        var custom = Pprof.Runtime.Profiler.Lookup("tests.custom") ?? Pprof.Runtime.Profiler.NewProfile("tests.custom");
        using (var r = await Client.GetAsync("/debug/pprof/tests.custom?seconds=1"))
            await Http.AssertGoError(r, HttpStatusCode.BadRequest, "\"seconds\" parameter is not supported for this profile type");
        using (var r = await Client.GetAsync("/debug/pprof/tests.custom"))
            await Http.AssertProfile(r, "tests.custom");
    }

    /// <summary>Microsoft-DotNETCore-SampleProfiler (TraceEvent has no parser that names it).</summary>
    private static readonly Guid s_sampleProfilerGuid = new("3c530d44-97ae-513a-1e6d-783e8f8e03a9");

    [Fact]
    public async Task TraceIsANettraceThatTraceEventReads()
    {
        var spin = _app.SpinAsync(1500);
        using var r = await Client.GetAsync("/debug/pprof/trace?seconds=0.5");
        byte[] bytes = await r.Content.ReadAsByteArrayAsync();
        await spin;
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("application/octet-stream", Http.Header(r, "Content-Type"));
        Assert.Equal("attachment; filename=\"trace.nettrace\"", Http.Header(r, "Content-Disposition"));
        Assert.Equal("Nettrace", Encoding.ASCII.GetString(bytes, 0, 8));

        int events = 0, samples = 0;
        var providers = new Dictionary<string, int>();
        var methods = new HashSet<string>(StringComparer.Ordinal);
        using (var source = new EventPipeEventSource(new MemoryStream(bytes)))
        {
            source.AllEvents += e =>
            {
                events++;
                providers[e.ProviderName] = providers.GetValueOrDefault(e.ProviderName) + 1;
                if (e.ProviderGuid == s_sampleProfilerGuid) samples++;
            };
            new ClrRundownTraceEventParser(source).MethodDCStopVerbose += m => methods.Add(m.MethodNamespace + "." + m.MethodName);
            source.Process();
        }
        Assert.True(samples > 0, $"no thread samples among {events} events: {string.Join(", ", providers.Select(kv => kv.Key + "=" + kv.Value))}");
        Assert.Contains(methods, m => m.EndsWith("Workload.SpinHot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SymbolResolvesCodeAddressesToMethods()
    {
        using (var r = await Client.GetAsync("/debug/pprof/symbol"))
        {
            Assert.Equal("text/plain; charset=utf-8", Http.Header(r, "Content-Type"));
            Assert.Equal("num_symbols: 1\n", await r.Content.ReadAsStringAsync());
        }
        Workload.SpinHot(TimeSpan.FromMilliseconds(1));
        var table = MethodSymbols.Load();
        var spin = table.Ranges.First(x => x.Name.EndsWith("Workload.SpinHot", StringComparison.Ordinal));
        string query = $"0x{spin.Start:x}+0x{spin.End - 1:x}+0x10";
        using (var r = await Client.PostAsync("/debug/pprof/symbol", new StringContent(query)))
        {
            string body = await r.Content.ReadAsStringAsync();
            Assert.Equal($"num_symbols: 1\n0x{spin.Start:x} {spin.Name}\n0x{spin.End - 1:x} {spin.Name}\n", body);
        }
        using (var r = await Client.GetAsync($"/debug/pprof/symbol?0x{spin.Start + 1:x}"))
            Assert.Equal($"num_symbols: 1\n0x{spin.Start + 1:x} {spin.Name}\n", await r.Content.ReadAsStringAsync());
    }
}
