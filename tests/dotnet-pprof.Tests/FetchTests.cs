using System.Net;
using System.Text;

namespace Pprof.Cli.Tests;

/// <summary>Fetching profiles from a real local HTTP server.</summary>
public sealed class FetchTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("pprof-fetch").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private Dictionary<string, string> Env => new() { ["PPROF_TMPDIR"] = _tmp };

    private static Task ServeFixture(HttpListenerContext ctx)
    {
        if (ctx.Request.Url!.AbsolutePath != "/debug/pprof/profile" && ctx.Request.Url.AbsolutePath != "/debug/pprof/heap")
        {
            ctx.Response.StatusCode = 404;
            return Task.CompletedTask;
        }
        string name = ctx.Request.Url.AbsolutePath.EndsWith("heap", StringComparison.Ordinal) ? "heap.pb.gz" : "cpu.pb.gz";
        byte[] data = File.ReadAllBytes(ConformancePack.Profile(name));
        ctx.Response.ContentType = "application/octet-stream";
        ctx.Response.OutputStream.Write(data);
        return Task.CompletedTask;
    }

    [Fact]
    public void FetchesBareHostPortWithSecondsAndSavesTheProfile()
    {
        using var server = new HttpFixture(ServeFixture);
        var r = CliRunner.Run(["-symbolize=none", "-top", "-seconds=2", $"127.0.0.1:{server.Port}"], env: Env);
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("File: testbinary\nType: cpu\n", r.StdoutText);
        Assert.Contains("     1.10s 98.21% 98.21%      1.10s 98.21%  line1000\n", r.StdoutText);
        Assert.Contains("/debug/pprof/profile?seconds=2", server.Requests);
        string[] err = r.Stderr.TrimEnd('\n').Split('\n');
        Assert.Equal($"Fetching profile over HTTP from http://127.0.0.1:{server.Port}/debug/pprof/profile?seconds=2", err[0]);
        Assert.Equal("Please wait... (2s)", err[1]);
        string saved = Path.Combine(_tmp, "pprof.testbinary.samples.cpu.001.pb.gz");
        Assert.Equal("Saved profile in " + saved, err[2]);
        Assert.True(File.Exists(saved));

        // The saved file reads back to the same report.
        var again = CliRunner.Run(["-symbolize=none", "-top", saved]);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(r.StdoutText, again.StdoutText);

        // A second fetch takes the next number.
        var r2 = CliRunner.Run(["-symbolize=none", "-top", $"http://127.0.0.1:{server.Port}/debug/pprof/profile"], env: Env);
        Assert.Equal(0, r2.ExitCode);
        Assert.Contains("Saved profile in " + Path.Combine(_tmp, "pprof.testbinary.samples.cpu.002.pb.gz"), r2.Stderr);
        Assert.DoesNotContain("Please wait", r2.Stderr);
    }

    [Fact]
    public void HttpErrorFromPprofEndpointShowsTheServersText()
    {
        using var server = new HttpFixture(ctx =>
        {
            ctx.Response.StatusCode = 500;
            ctx.Response.ContentType = "text/plain; charset=utf-8";
            ctx.Response.Headers["X-Go-Pprof"] = "1";
            ctx.Response.OutputStream.Write(Encoding.UTF8.GetBytes("Could not enable CPU profiling: cpu profiling already in use\n"));
            return Task.CompletedTask;
        });
        string url = $"http://127.0.0.1:{server.Port}/debug/pprof/profile";
        var r = CliRunner.Run(["-top", url], env: Env);
        Assert.Equal(1, r.ExitCode);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.EndsWith($"dotnet-pprof: {url}: server response: 500 Internal Server Error - Could not enable CPU profiling: cpu profiling already in use\n", r.Stderr);
        Assert.Empty(Directory.GetFiles(_tmp));
    }

    [Fact]
    public void HttpErrorWithoutPprofHeaderShowsTheStatus()
    {
        using var server = new HttpFixture(ctx =>
        {
            ctx.Response.StatusCode = 404;
            ctx.Response.ContentType = "text/plain";
            ctx.Response.OutputStream.Write(Encoding.UTF8.GetBytes("nothing here"));
            return Task.CompletedTask;
        });
        string url = $"http://127.0.0.1:{server.Port}/debug/pprof/heap";
        var r = CliRunner.Run(["-top", url], env: Env);
        Assert.Equal(1, r.ExitCode);
        Assert.EndsWith($"dotnet-pprof: {url}: server response: 404 Not Found\n", r.Stderr);
    }

    [Fact]
    public void SlowServerTimesOut()
    {
        using var release = new ManualResetEventSlim();
        using var server = new HttpFixture(async ctx =>
        {
            await Task.Run(() => release.Wait(TimeSpan.FromSeconds(30)));
            ctx.Response.StatusCode = 200;
        });
        string url = $"http://127.0.0.1:{server.Port}/debug/pprof/profile";
        var sw = System.Diagnostics.Stopwatch.StartNew();
        // -timeout=1 allows 1s plus pprof's 5s of grace for the response headers.
        var r = CliRunner.Run(["-top", "-timeout=1", url], env: Env);
        sw.Stop();
        release.Set();
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("timeout", r.Stderr);
        Assert.Equal(2, r.Stderr.TrimEnd('\n').Split('\n').Length); // "Fetching ..." and the error line
        Assert.InRange(sw.Elapsed.TotalSeconds, 5, 20);
    }

    [Fact]
    public void RefusedConnection()
    {
        int port = HttpFixture.UnusedPort();
        var r = CliRunner.Run(["-top", $"127.0.0.1:{port}"], env: Env);
        Assert.Equal(1, r.ExitCode);
        Assert.EndsWith($"dial tcp 127.0.0.1:{port}: connect: connection refused\n", r.Stderr);
    }

    [Fact]
    public void MergesAUrlWithAFile()
    {
        using var server = new HttpFixture(ServeFixture);
        var r = CliRunner.Run(["-symbolize=none", "-nodecount=20", "-nodefraction=0.05", "-edgefraction=0.01", "-compact_labels",
            "-unit=minimum", "-top", $"http://127.0.0.1:{server.Port}/debug/pprof/profile", ConformancePack.Profile("cpusmall.pb.gz")], env: Env);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(ConformancePack.Dir, "expected", "merge.out")), r.StdoutText);
    }
}
