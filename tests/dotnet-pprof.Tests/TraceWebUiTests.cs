using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Pprof.Cli.Trace.Web;
using Pprof.Cli.Web;
using Pprof.Profiles;
using Pprof.Traces;

namespace Pprof.Cli.Tests;

/// <summary>The trace web UI's server on a real recording (three threads fighting over one lock, a forced GC every
/// second, 100 ms sleeps in user regions): the timeline data has the GCs a second apart and lanes named after the
/// threads, answers at the asked resolution and within the asked window, refuses bad parameters with 400, and the
/// blocking profiles open in pprof's views.</summary>
public sealed class TraceWebUiTests : IClassFixture<TraceWebUiTests.Served>
{
    private readonly Served _s;

    public TraceWebUiTests(Served served) => _s = served;

    /// <summary>One recording (<see cref="TraceCommandTests.Recording"/>) served on a loopback port.</summary>
    public sealed class Served : IDisposable
    {
        private readonly TraceCommandTests.Recording _recording = new();
        private readonly WebUiHost _server;

        public Served()
        {
            Trace = NetTrace.Read(_recording.File);
            _server = TraceWebServer.Start("127.0.0.1:0", Trace, "t.nettrace", Path.Combine(_recording.Dir, "settings.json"), out string url, out _);
            Url = url.TrimEnd('/');
            Client = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        }

        public string File => _recording.File;

        public NetTrace Trace { get; }

        public string Url { get; }

        public HttpClient Client { get; }

        public void Dispose()
        {
            Client.Dispose();
            _server.Dispose();
            _recording.Dispose();
        }
    }

    private async Task<(HttpStatusCode Status, string Body)> Get(string pathAndQuery)
    {
        using var r = await _s.Client.GetAsync(_s.Url + pathAndQuery);
        return (r.StatusCode, await r.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> GetJson(string pathAndQuery)
    {
        var (status, body) = await Get(pathAndQuery);
        Assert.True(status == HttpStatusCode.OK, $"{pathAndQuery}: {(int)status} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task TimelineDataHasTheForcedGcsASecondApartAndLanesNamedAfterTheThreads()
    {
        var d = await GetJson("/timeline/data?width=1200");
        Assert.Equal(0, d.GetProperty("from").GetInt64());
        Assert.Equal(_s.Trace.DurationNanos, d.GetProperty("to").GetInt64());
        var lanes = d.GetProperty("lanes").EnumerateArray().ToList();
        var names = lanes.Select(l => l.GetProperty("name").GetString()!).ToList();
        foreach (var name in new[] { "lock-1", "lock-2", "lock-3", "gc-forcer" }) Assert.Contains(names, n => n.StartsWith(name + " (", StringComparison.Ordinal));
        var states = d.GetProperty("states").EnumerateArray().Select(s => s.GetString()!).ToList();
        int lockState = states.IndexOf("lock"), running = states.IndexOf("running"), sleep = states.IndexOf("sleep");
        // The lock threads wait on the lock and run; the GC forcer sleeps between GCs.
        foreach (var l in lanes.Where(l => l.GetProperty("name").GetString()!.StartsWith("lock-", StringComparison.Ordinal)))
        {
            var spanStates = l.GetProperty("spans").EnumerateArray().Select(s => s[2].GetInt32()).ToHashSet();
            Assert.Contains(lockState, spanStates);
            Assert.Contains(running, spanStates);
        }
        var forcer = lanes.Single(l => l.GetProperty("name").GetString()!.StartsWith("gc-forcer (", StringComparison.Ordinal));
        Assert.Contains(forcer.GetProperty("spans").EnumerateArray(), s => s[2].GetInt32() == sleep);
        // One forced GC a second (each due at a whole second of the forcer's clock): the GCs sit on a one-second grid,
        // each within 50 ms of it but for at most one delayed on a loaded machine.
        var induced = d.GetProperty("gcs").EnumerateArray().Where(g => g.GetProperty("reason").GetString() == "Induced")
            .Select(g => g.GetProperty("start").GetInt64() / 1e6).OrderBy(t => t).ToList();
        Assert.InRange(induced.Count, 4, 7);
        var steps = induced.Select(t => Math.Round((t - induced[0]) / 1000)).ToList();
        Assert.Equal(Enumerable.Range(0, induced.Count).Select(i => (double)i), steps);
        var offsets = induced.Select((t, i) => t - induced[0] - 1000 * i).ToList();
        double phase = offsets.OrderBy(o => o).ElementAt(offsets.Count / 2);
        Assert.True(offsets.Count(o => Math.Abs(o - phase) <= 50) >= offsets.Count - 1,
            "forced GCs (ms after the first): " + string.Join(", ", induced.Select(t => (t - induced[0]).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))));
        // Lock hand-offs: from one lock thread to another.
        var lockLanes = lanes.Select((l, i) => (l, i)).Where(x => x.l.GetProperty("name").GetString()!.StartsWith("lock-", StringComparison.Ordinal)).Select(x => x.i).ToHashSet();
        var flows = d.GetProperty("flows").EnumerateArray().ToList();
        Assert.NotEmpty(flows);
        Assert.True(flows.Count(f => lockLanes.Contains(f[0].GetInt32()) && lockLanes.Contains(f[1].GetInt32())) >= 0.9 * flows.Count);
        // The user regions are on the thread that made them.
        int regionLane = names.FindIndex(n => n.StartsWith("wl-traceregion (", StringComparison.Ordinal));
        Assert.Contains(d.GetProperty("regions").EnumerateArray(), r => r[3].GetString() == "region" && r[4].GetString() == "sleep-100ms" && r[0].GetInt32() == regionLane);
    }

    [Fact]
    public async Task DataIsWindowedAtTheAskedResolution()
    {
        long duration = _s.Trace.DurationNanos;
        foreach (int width in new[] { 1, 50, 10_000 })
        {
            var d = await GetJson($"/timeline/data?width={width}");
            Assert.Equal(Math.Max(1, duration / width), d.GetProperty("resolution").GetInt64());
            foreach (var l in d.GetProperty("lanes").EnumerateArray()) Assert.True(l.GetProperty("spans").GetArrayLength() <= 4 * width + 16);
        }
        // A narrow window: everything in it, nothing outside it, and finer spans than the whole trace at the same width.
        long from = duration / 2, to = from + 200_000_000;
        var w = await GetJson($"/timeline/data?from={from}&to={to}&width=800");
        Assert.Equal(from, w.GetProperty("from").GetInt64());
        Assert.Equal(to, w.GetProperty("to").GetInt64());
        int spans = 0;
        foreach (var l in w.GetProperty("lanes").EnumerateArray())
        {
            foreach (var s in l.GetProperty("spans").EnumerateArray())
            {
                Assert.InRange(s[0].GetInt64(), from, to);
                Assert.InRange(s[1].GetInt64(), s[0].GetInt64(), to);
                spans++;
            }
        }
        Assert.True(spans > 0);
        foreach (var i in w.GetProperty("instants").EnumerateArray()) Assert.InRange(i[1].GetInt64(), from, to);
        foreach (var f in w.GetProperty("flows").EnumerateArray()) Assert.InRange(f[2].GetInt64(), from, to);
        // Fine resolution keeps the short lock waits: more lock spans per second than at the whole trace's.
        var whole = await GetJson("/timeline/data?width=800");
        double Density(JsonElement x) => x.GetProperty("lanes").EnumerateArray().Where(l => l.GetProperty("name").GetString()!.StartsWith("lock-", StringComparison.Ordinal))
            .Sum(l => l.GetProperty("spans").EnumerateArray().Count(s => s[2].GetInt32() == 1)) / ((x.GetProperty("to").GetInt64() - x.GetProperty("from").GetInt64()) / 1e9);
        Assert.True(Density(w) > Density(whole), $"lock spans per second: window {Density(w):0}, whole {Density(whole):0}");
    }

    [Fact]
    public async Task SummaryIsTheExactTimeByStateInTheRange()
    {
        long duration = _s.Trace.DurationNanos;
        var s = await GetJson($"/timeline/summary?from=0&to={duration}");
        var lanes = s.GetProperty("lanes").EnumerateArray().ToList();
        long lockTotal = 0;
        foreach (var l in lanes)
        {
            long sum = l.GetProperty("nanos").EnumerateObject().Sum(p => p.Value.GetInt64());
            Assert.InRange(sum, 1, duration);
            if (l.GetProperty("name").GetString()!.StartsWith("lock-", StringComparison.Ordinal)) lockTotal += l.GetProperty("nanos").TryGetProperty("lock", out var v) ? v.GetInt64() : 0;
        }
        // Three threads fight for 5 s over a lock held 5 ms at a time: two wait while one holds, over a second in all.
        Assert.True(lockTotal > 1_000_000_000, $"lock wait {lockTotal / 1e6:0} ms");
        // It agrees with the trace's own lock waits on those threads.
        var lockTids = _s.Trace.Threads.Where(t => t.Name.StartsWith("lock-", StringComparison.Ordinal)).Select(t => t.Id).ToHashSet();
        long fromBlocks = _s.Trace.Blocks.Where(b => b.Kind == TraceBlockKind.Lock && lockTids.Contains(b.ThreadId)).Sum(b => b.DurationNanos);
        Assert.InRange(lockTotal, fromBlocks * 0.95, fromBlocks * 1.0001);
        Assert.True(s.GetProperty("gcs").GetInt32() >= 4);
        // A sub-range sums to less.
        var half = await GetJson($"/timeline/summary?from=0&to={duration / 2}");
        Assert.True(half.GetProperty("total").GetProperty("lock").GetInt64() < s.GetProperty("total").GetProperty("lock").GetInt64());
    }

    [Theory]
    [InlineData("/timeline/data?from=-1")]
    [InlineData("/timeline/data?from=abc")]
    [InlineData("/timeline/data?width=0")]
    [InlineData("/timeline/data?width=10001")]
    [InlineData("/timeline/data?width=99999999999999999999999")]
    [InlineData("/timeline/data?from=1000&to=1000")]
    [InlineData("/timeline/data?from=2000&to=1000")]
    [InlineData("/timeline/data?to=999999999999999")]
    [InlineData("/timeline/summary?from=5&to=1")]
    [InlineData("/timeline/summary?from=1e9")]
    public async Task BadParametersGet400(string pathAndQuery)
    {
        var (status, body) = await Get(pathAndQuery);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("bad ", body);
    }

    [Fact]
    public async Task HostileRequestsGetAStatus()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await Get("/timeline/data?from=" + new string('1', 5000))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Get("/timeline/data?" + string.Join("&", Enumerable.Range(0, 40).Select(i => $"p{i}=1")))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Get("/nowhere")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Get("/pprof/mutex/ui/")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Get("/assets/../../etc/passwd")).Status);
        using (var post = await _s.Client.PostAsync(_s.Url + "/timeline/data", new StringContent("{}")))
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        // Bound to loopback: a page whose name was rebound to 127.0.0.1 cannot read the trace.
        using var req = new HttpRequestMessage(HttpMethod.Get, _s.Url + "/timeline/data");
        req.Headers.Host = "evil.example";
        using var r = await _s.Client.SendAsync(req);
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
    }

    [Fact]
    public async Task BlockingProfilesOpenInPprofsViews()
    {
        var (status, index) = await Get("/");
        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var kind in TraceProfiles.Kinds) Assert.Contains($"href=\"/pprof/{kind}/ui/flamegraph\"", index, StringComparison.Ordinal);
        Assert.Contains("href=\"/timeline\"", index, StringComparison.Ordinal);
        var (topStatus, top) = await Get("/pprof/sync/ui/top");
        Assert.Equal(HttpStatusCode.OK, topStatus);
        Assert.Contains("WaitForLock", top, StringComparison.Ordinal);
        // The mounted views link within their prefix.
        Assert.Contains("href=\"/pprof/sync/ui/flamegraph\"", top, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/ui/", top, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Get("/pprof/sync/ui/flamegraph")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Get("/pprof/sched/ui/")).Status);
        using var download = await _s.Client.GetAsync(_s.Url + "/pprof/sync/ui/download");
        var p = Profile.Parse(await download.Content.ReadAsByteArrayAsync());
        Assert.Equal(new[] { "contentions/count", "delay/nanoseconds" }, p.SampleTypes.Select(t => t.ToString()));
        Assert.True(p.Samples.Sum(x => x.Values[1]) > 1_000_000_000);
    }

    [Fact]
    public async Task TraceVerbServesTheUiUntilStopped()
    {
        var psi = new ProcessStartInfo(CliRunner.DotnetHost) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { CliRunner.CliDll, "trace", "-http=127.0.0.1:0", "-no_browser", _s.File }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        try
        {
            string? url = null;
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            while (url == null)
            {
                string? line = await p.StandardError.ReadLineAsync(cts.Token);
                Assert.True(line != null, "dotnet-pprof trace exited before serving");
                const string marker = "Serving trace web UI on ";
                if (line.StartsWith(marker, StringComparison.Ordinal)) url = line[marker.Length..];
            }
            using var r = await _s.Client.GetAsync(url + "timeline");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Contains("timeline.js", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.False(p.HasExited);
        }
        finally
        {
            p.Kill();
            p.WaitForExit();
        }
    }
}
