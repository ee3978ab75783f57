using System.Diagnostics;

namespace Pprof.AspNetCore.Tests;

/// <summary>pprof clients against the endpoints: the dotnet-pprof CLI (built with this project) and, where Go is
/// installed, go tool pprof.</summary>
public sealed class ClientTests : IClassFixture<AppFixture>
{
    private readonly TestApp _app;

    public ClientTests(AppFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task DotnetPprofFetchesACpuProfileWithSeconds()
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "dotnet-pprof.dll");
        Assert.True(File.Exists(cli), $"{cli} is missing: the test project references the CLI project");
        var spin = _app.SpinAsync(4000);
        var (rc, stdout, stderr) = await Run("dotnet", cli, "-top", "-seconds", "2", "-timeout", "60", new Uri(_app.BaseAddress, "/debug/pprof/profile").ToString());
        await spin;
        Assert.True(rc == 0, $"dotnet-pprof exited {rc}: {stderr}");
        Assert.Contains("Workload.SpinHot", stdout, StringComparison.Ordinal);
        Assert.Contains("flat%", stdout, StringComparison.Ordinal);
        Assert.Contains("Fetching profile over HTTP from", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DotnetPprofShowsTheServersErrorMessage()
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "dotnet-pprof.dll");
        var (rc, _, stderr) = await Run("dotnet", cli, "-top", new Uri(_app.BaseAddress, "/debug/pprof/nosuchprofile").ToString());
        Assert.NotEqual(0, rc);
        Assert.Contains("Unknown profile", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GoToolPprofFetchesACpuProfile()
    {
        string? go = FindOnPath("go");
        Assert.True(go != null, "go is not on PATH: install Go (1.19 is the reference) to run the go tool pprof test");
        var spin = _app.SpinAsync(4000);
        var (rc, stdout, stderr) = await Run(go!, "tool", "pprof", "-top", "-seconds", "2", "-timeout", "60", new Uri(_app.BaseAddress, "/debug/pprof/profile").ToString());
        await spin;
        Assert.True(rc == 0, $"go tool pprof exited {rc}: {stderr}");
        Assert.Contains("Type: cpu", stdout, StringComparison.Ordinal);
        Assert.Contains("Workload.SpinHot", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GoToolPprofShowsTheConcurrentProfileError()
    {
        string? go = FindOnPath("go");
        Assert.True(go != null, "go is not on PATH: install Go (1.19 is the reference) to run the go tool pprof test");
        var first = _app.Client.GetAsync("/debug/pprof/profile?seconds=6");
        Assert.True(await Http.Eventually(Http.CpuProfileRuns), "the first CPU profile did not start");
        var (rc, _, stderr) = await Run(go!, "tool", "pprof", "-top", "-seconds", "1", new Uri(_app.BaseAddress, "/debug/pprof/profile").ToString());
        (await first).Dispose();
        Assert.NotEqual(0, rc);
        Assert.Contains("Could not enable CPU profiling: cpu profiling already in use", stderr, StringComparison.Ordinal);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static async Task<(int Rc, string Stdout, string Stderr)> Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        string tmp = Path.Combine(Path.GetTempPath(), "pprof-aspnet-tests-" + Environment.ProcessId);
        Directory.CreateDirectory(tmp);
        psi.Environment["PPROF_TMPDIR"] = tmp; // fetched profiles are saved here, not in $HOME/pprof
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }
        finally
        {
            try { Directory.Delete(tmp, recursive: true); } catch (IOException) { }
        }
        return (p.ExitCode, await stdout, await stderr);
    }
}
