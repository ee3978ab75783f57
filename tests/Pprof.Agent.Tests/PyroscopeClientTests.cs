using System.Net;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Pprof.Profiles;

namespace Pprof.Agent.Tests;

/// <summary>The Pyroscope client against a loopback server that decodes every request with its own decoder.</summary>
public sealed class PyroscopeClientTests
{
    private static readonly DateTime s_start = new(2026, 12, 4, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task PushSendsOneLabelledSeriesPerProfileOverConnect()
    {
        await using var server = await FakePyroscope.StartAsync();
        using var client = new PyroscopeClient(new PyroscopeOptions { Url = new Uri(server.Url) });
        await client.PushAsync(TestProfiles.Batch(s_start, "cpu", "allocs", "mutex", "block", "exceptions"));
        var r = Assert.Single(server.Requests);
        Assert.Equal("POST", r.Method);
        Assert.Equal("/push.v1.PusherService/Push", r.Path);
        Assert.Equal("application/proto", r.ContentType);
        Assert.Equal("1", r.Headers["Connect-Protocol-Version"].ToString());
        var series = PushDecoder.Decode(r.Body);
        Assert.Equal(new[] { "process_cpu", "memory", "mutex", "block", "exceptions" }, series.Select(s => s.Label("__name__")));
        foreach (var s in series)
        {
            Assert.Equal("shop", s.Label("service_name"));
            Assert.Equal("4242", s.Label("pid"));
            Assert.Equal("web-1", s.Label("host"));
            Assert.Equal("1.2.3", s.Label("version"));
            Assert.Equal("eu,west", s.Label("region"));
            Assert.Equal("false", s.Label("__delta__"));
            Assert.Equal(s.Labels.Count, s.Labels.Select(l => l.Key).Distinct().Count());
            var sample = Assert.Single(s.Samples);
            Assert.True(Guid.TryParse(sample.Id, out _), sample.Id);
            var p = sample.Parse();
            Assert.Equal("MyApp.Hot", p.Samples[0].Locations[0].Lines[0].Function!.Name);
        }
        Assert.Equal(new[] { "samples/count", "cpu/nanoseconds" }, series[0].Samples[0].Parse().SampleTypes.Select(t => t.ToString()));
        Assert.Equal("alloc_space/bytes", series[1].Samples[0].Parse().SampleTypes[1].ToString());
        Assert.False(client.UsesLegacyIngest);
    }

    [Fact]
    public async Task FallsBackToLegacyIngestWhenThePushApiIsMissingAndRemembers()
    {
        await using var server = await FakePyroscope.StartAsync(FakePyroscope.Behaviour.LegacyOnly);
        using var client = new PyroscopeClient(new PyroscopeOptions { Url = new Uri(server.Url) });
        await client.PushAsync(TestProfiles.Batch(s_start, "cpu", "mutex"));
        Assert.True(client.UsesLegacyIngest);
        await client.PushAsync(TestProfiles.Batch(s_start.AddSeconds(15), "cpu"));
        var all = server.Requests.ToArray();
        // One Connect attempt (404), then only /ingest: two profiles of the first batch, one of the second.
        Assert.Equal(new[] { "/push.v1.PusherService/Push", "/ingest", "/ingest", "/ingest" }, all.Select(r => r.Path));
        var first = all[1];
        Assert.Equal("shop{host=web-1,pid=4242,region=eu_west,version=1.2.3}", first.Query["name"].ToString());
        Assert.Equal(new DateTimeOffset(s_start).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), first.Query["from"].ToString());
        Assert.Equal(new DateTimeOffset(s_start.AddSeconds(15)).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), first.Query["until"].ToString());
        Assert.Equal("pprof", first.Query["format"].ToString());
        var parts = await ReadForm(first);
        Assert.Equal(0x1f, parts["profile"][0]);
        var p = Profile.Parse(parts["profile"]);
        Assert.Equal("cpu", p.SampleTypes[1].Type);
        Assert.False(parts.ContainsKey("sample_type_config"));
        var mutex = await ReadForm(all[2]);
        Assert.Contains("mutex_duration", Encoding.UTF8.GetString(mutex["sample_type_config"]));
        Assert.Equal("delay", Profile.Parse(mutex["profile"]).SampleTypes[1].Type);
    }

    [Fact]
    public async Task SendsBasicAuthTenantAndExtraHeaders()
    {
        await using var server = await FakePyroscope.StartAsync();
        var uri = new UriBuilder(server.Url) { UserName = "12345", Password = "glc_secret" }.Uri;
        var options = new PyroscopeOptions { Url = uri, TenantId = "team-a" };
        options.Headers["X-Extra"] = "yes";
        using (var client = new PyroscopeClient(options)) await client.PushAsync(TestProfiles.Batch(s_start, "cpu"));
        var r = Assert.Single(server.Requests);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("12345:glc_secret")), r.Headers.Authorization.ToString());
        Assert.Equal("team-a", r.Headers["X-Scope-OrgID"].ToString());
        Assert.Equal("yes", r.Headers["X-Extra"].ToString());

        // Options override the URL's user info.
        options = new PyroscopeOptions { Url = uri, BasicAuthUser = "u", BasicAuthPassword = "p" };
        using (var client = new PyroscopeClient(options)) await client.PushAsync(TestProfiles.Batch(s_start, "cpu"));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:p")), server.Requests.Last().Headers.Authorization.ToString());
    }

    [Fact]
    public async Task RetriesServerErrorsABoundedNumberOfTimes()
    {
        await using var server = await FakePyroscope.StartAsync(FakePyroscope.Behaviour.Error500);
        using var client = new PyroscopeClient(new PyroscopeOptions { Url = new Uri(server.Url), MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(10) });
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.PushAsync(TestProfiles.Batch(s_start, "cpu")));
        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.Contains("ingester unavailable", e.Message);
        Assert.Equal(3, server.Requests.Count);
        Assert.False(client.UsesLegacyIngest);
    }

    [Fact]
    public async Task AHangingServerTimesOutEachAttempt()
    {
        await using var server = await FakePyroscope.StartAsync(FakePyroscope.Behaviour.Hang);
        using var client = new PyroscopeClient(new PyroscopeOptions { Url = new Uri(server.Url), MaxRetries = 1, Timeout = TimeSpan.FromSeconds(1.5), RetryDelay = TimeSpan.FromMilliseconds(10) });
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.PushAsync(TestProfiles.Batch(s_start, "cpu")));
        Assert.Contains("no answer within", e.Message);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task SelectMergeProfileSendsTheQueryAndParsesTheAnswer()
    {
        await using var server = await FakePyroscope.StartAsync();
        server.MergedProfile = TestProfiles.Make("cpu", "nanoseconds", "cpu", "nanoseconds", 77).ToByteArray();
        using var client = new PyroscopeClient(new PyroscopeOptions { Url = new Uri(server.Url + "/"), TenantId = "t1" });
        var p = await client.SelectMergeProfileAsync("cpu", "{service_name=\"shop\"}", s_start, s_start.AddHours(1));
        Assert.Equal(77, p.Samples[0].Values[1]);
        var r = Assert.Single(server.Requests);
        Assert.Equal("/querier.v1.QuerierService/SelectMergeProfile", r.Path);
        Assert.Equal("t1", r.Headers["X-Scope-OrgID"].ToString());
        var q = PushDecoder.DecodeSelectMergeProfile(r.Body);
        Assert.Equal("process_cpu:cpu:nanoseconds:cpu:nanoseconds", q.TypeId);
        Assert.Equal("{service_name=\"shop\"}", q.Selector);
        Assert.Equal(new DateTimeOffset(s_start).ToUnixTimeMilliseconds(), q.Start);
        Assert.Equal(new DateTimeOffset(s_start.AddHours(1)).ToUnixTimeMilliseconds(), q.End);
    }

    [Fact]
    public void RejectsBadUrls()
    {
        Assert.Throws<ArgumentException>(() => new PyroscopeClient(new PyroscopeOptions()));
        Assert.Throws<ArgumentException>(() => new PyroscopeClient(new PyroscopeOptions { Url = new Uri("ftp://x/") }));
        Assert.Equal("a_b", PyroscopeClient.LabelName("a.b"));
        Assert.Equal("_1x", PyroscopeClient.LabelName("1x"));
    }

    private static async Task<Dictionary<string, byte[]>> ReadForm(FakePyroscope.Request r)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(r.ContentType).Boundary).Value!;
        var reader = new MultipartReader(boundary, new MemoryStream(r.Body));
        var parts = new Dictionary<string, byte[]>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            var disposition = ContentDispositionHeaderValue.Parse(section.ContentDisposition);
            var m = new MemoryStream();
            await section.Body.CopyToAsync(m);
            parts[HeaderUtilities.RemoveQuotes(disposition.Name).Value!] = m.ToArray();
        }
        return parts;
    }
}
