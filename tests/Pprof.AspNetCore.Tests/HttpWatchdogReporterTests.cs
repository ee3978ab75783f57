using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pprof.Profiles;
using Pprof.Runtime.Watch;

namespace Pprof.AspNetCore.Tests;

/// <summary>HttpWatchdogReporter against a real Kestrel server that decodes the multipart upload with ASP.NET Core's
/// form reader: the fields and the file arrive intact, failures are retried a bounded number of times, client errors
/// are not retried, and a server that does not answer times out.</summary>
public sealed class HttpWatchdogReporterTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private Uri _root = null!;
    private readonly ConcurrentQueue<(string Kind, string Time, string Trigger, string Reason, string FileName, byte[] Profile)> _received = new();
    private int _flaky;
    private int _badRequests;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/upload", async (HttpContext ctx) =>
        {
            var form = await ctx.Request.ReadFormAsync();
            var file = form.Files["profile"]!;
            using var ms = new MemoryStream();
            await file.CopyToAsync(ms);
            _received.Enqueue((form["kind"].ToString(), form["time"].ToString(), form["trigger"].ToString(), form["reason"].ToString(), file.FileName, ms.ToArray()));
            return Results.Ok();
        });
        _app.MapPost("/flaky", async (HttpContext ctx) =>
        {
            await ctx.Request.ReadFormAsync();
            return Interlocked.Increment(ref _flaky) < 3 ? Results.StatusCode(503) : Results.Ok();
        });
        _app.MapPost("/bad", () =>
        {
            Interlocked.Increment(ref _badRequests);
            return Results.BadRequest();
        });
        _app.MapPost("/slow", async (HttpContext ctx) => await Task.Delay(Timeout.Infinite, ctx.RequestAborted));
        await _app.StartAsync();
        _root = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static WatchdogDump Dump()
    {
        var p = new Profile { Comments = { "watchdog test" } };
        var buffer = new MemoryStream();
        p.Write(buffer);
        return new WatchdogDump(WatchdogTrigger.Cpu, "cpu", "cpu.20261204183000.123.pb.gz", new DateTime(2026, 12, 4, 18, 30, 0, 123, DateTimeKind.Utc), 83, 12, buffer.ToArray());
    }

    [Fact]
    public async Task EachDumpArrivesAsMultipartWithKindTimeReasonAndTheProfileFile()
    {
        using var reporter = new HttpWatchdogReporter(new Uri(_root, "/upload"));
        var dump = Dump();
        await reporter.ReportAsync(dump, CancellationToken.None);
        var got = Assert.Single(_received);
        Assert.Equal("cpu", got.Kind);
        Assert.Equal("2026-12-04T18:30:00.123Z", got.Time);
        Assert.Equal("cpu", got.Trigger);
        Assert.Equal("cpu value=83 average=12", got.Reason);
        Assert.Equal("cpu.20261204183000.123.pb.gz", got.FileName);
        Assert.Equal(dump.Profile, got.Profile);
        Assert.Equal("watchdog test", Profile.Parse(got.Profile).Comments.Single());
    }

    [Fact]
    public async Task ServerErrorsAreRetriedUpToMaxAttempts()
    {
        using var reporter = new HttpWatchdogReporter(new Uri(_root, "/flaky")) { RetryDelay = TimeSpan.FromMilliseconds(10), MaxAttempts = 3 };
        await reporter.ReportAsync(Dump(), CancellationToken.None);
        Assert.Equal(3, _flaky);

        Interlocked.Exchange(ref _flaky, -10);
        using var twice = new HttpWatchdogReporter(new Uri(_root, "/flaky")) { RetryDelay = TimeSpan.FromMilliseconds(10), MaxAttempts = 2 };
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => twice.ReportAsync(Dump(), CancellationToken.None));
        Assert.Contains("after 2 attempts", e.Message);
        Assert.Contains("503", e.Message);
        Assert.Equal(-8, _flaky);
    }

    [Fact]
    public async Task ClientErrorsAreNotRetried()
    {
        using var reporter = new HttpWatchdogReporter(new Uri(_root, "/bad")) { RetryDelay = TimeSpan.FromMilliseconds(10) };
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => reporter.ReportAsync(Dump(), CancellationToken.None));
        Assert.Contains("400", e.Message);
        Assert.Equal(1, _badRequests);
    }

    [Fact]
    public async Task AServerThatDoesNotAnswerTimesOutOnEveryAttempt()
    {
        using var reporter = new HttpWatchdogReporter(new Uri(_root, "/slow")) { Timeout = TimeSpan.FromMilliseconds(300), MaxAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(10) };
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => reporter.ReportAsync(Dump(), CancellationToken.None));
        Assert.Contains("did not answer", e.Message);
        Assert.Contains("after 2 attempts", e.Message);
    }

    [Fact]
    public void OnlyHttpUrlsAreAccepted()
    {
        Assert.Throws<ArgumentException>(() => new HttpWatchdogReporter(new Uri("file:///tmp/x")));
        Assert.Throws<ArgumentException>(() => new HttpWatchdogReporter(new Uri("ftp://example.com/x")));
    }
}
