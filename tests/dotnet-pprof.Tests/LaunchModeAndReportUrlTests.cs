using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pprof.Profiles;

namespace Pprof.Cli.Tests;

/// <summary>Launch mode (<c>-- COMMAND</c>) of stats, gctrace and watch against the workload process, and
/// <c>watch -report-url</c> uploading its dumps to a real server that decodes the multipart form.</summary>
public sealed class LaunchModeAndReportUrlTests
{
    private static string TargetDll => Path.Combine(AppContext.BaseDirectory, "Pprof.Runtime.TestTarget.dll");

    [Fact]
    public void StatsStartsTheCommandWatchesItAndEndsItAfterCount()
    {
        var r = CliRunner.Run(new[] { "stats", "-count", "3", "-json", "--", CliRunner.DotnetHost, TargetDll, "120", "cpu" });
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).ToList();
        Assert.Equal(3, lines.Count);
        var pids = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("pid").GetInt32()).Distinct().ToList();
        int pid = Assert.Single(pids);
        Assert.NotEqual(Environment.ProcessId, pid);
        // The command was ended with the verb.
        Assert.False(Pprof.Runtime.ProcessDiscovery.IsAlive(pid) && !IsZombie(pid), $"pid {pid} still runs");
    }

    [Fact]
    public void GcTraceFollowsTheCommandToItsExitAndReturnsItsStatus()
    {
        var r = CliRunner.Run(new[] { "gctrace", "--", CliRunner.DotnetHost, TargetDll, "4", "gc500", "exit=3" });
        Assert.True(r.ExitCode == 3, $"exit {r.ExitCode}: {r.Stderr}");
        Assert.Contains(r.StdoutText.Split('\n'), l => l.StartsWith("gc ", StringComparison.Ordinal) && l.Contains("gen2", StringComparison.Ordinal));
    }

    [Fact]
    public void LaunchModeRefusesAlsoAPid()
    {
        var r = CliRunner.Run(new[] { "stats", "-p", "1", "--", CliRunner.DotnetHost, TargetDll, "1", "idle" });
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("not several", r.Stderr);
        r = CliRunner.Run(new[] { "memstats", "--", CliRunner.DotnetHost, TargetDll, "1", "idle" });
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("-- COMMAND is only for", r.Stderr);
    }

    [Fact]
    public void ACommandThatIsNotDotnetSaysSo()
    {
        var r = CliRunner.Run(new[] { "stats", "--", "/bin/sh", "-c", "exit 4" });
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("exited (status 4) before its .NET runtime could be watched", r.Stderr);
    }

    [Fact]
    public async Task WatchUploadsItsExceptionDumpsToReportUrlAsMultipart()
    {
        var received = new ConcurrentQueue<(string Kind, string Time, string Reason, string FileName, byte[] Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.MapPost("/profiles", async (HttpContext ctx) =>
        {
            var form = await ctx.Request.ReadFormAsync();
            var file = form.Files["profile"]!;
            using var ms = new MemoryStream();
            await file.CopyToAsync(ms);
            received.Enqueue((form["kind"].ToString(), form["time"].ToString(), form["reason"].ToString(), file.FileName, ms.ToArray()));
            return Results.Ok();
        });
        await app.StartAsync();
        string root = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        string dir = Path.Combine(Path.GetTempPath(), "watch-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            // 100 exceptions every 100 ms: far above ABS, so the first check after the ring fills dumps.
            var r = CliRunner.Run(new[]
            {
                "watch", "-o", dir, "-interval", "500ms", "-exceptions", "10,25,50", "-profile-duration", "1s", "-cooldown", "1m",
                "-report-url", root + "/profiles", "-d", "25s", "--", CliRunner.DotnetHost, TargetDll, "120", "throw100",
            });
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Contains("DUMP exceptions", r.Stderr);
            var got = Assert.Single(received);
            Assert.Equal("exceptions", got.Kind);
            Assert.Matches(@"^exceptions\.\d{14}\.\d{3}\.pb\.gz$", got.FileName);
            Assert.StartsWith("exceptions value=", got.Reason);
            Assert.True(DateTime.TryParse(got.Time, null, System.Globalization.DateTimeStyles.AdjustToUniversal, out _), got.Time);
            var p = Profile.Parse(got.Body);
            Assert.Contains(p.Samples, s => s.Locations.Any(l => l.Lines.Any(line => line.Function?.Name.Contains("ThrowThenSleep", StringComparison.Ordinal) == true)));
            // Uploaded, not written.
            Assert.False(Directory.Exists(dir) && Directory.EnumerateFiles(dir).Any());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ReportUrlMustBeHttp()
    {
        var r = CliRunner.Run(new[] { "watch", "-p", "1", "-cpu", "10,25,80", "-report-url", "file:///etc/passwd" });
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("invalid -report-url", r.Stderr);
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }
}
