using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using Pprof.Cli.Trace.Web;
using Pprof.Cli.Web;
using Pprof.Traces;

namespace Pprof.Cli.BrowserTests;

/// <summary>A real trace and the trace web UI serving it, with a headless Chromium: the test target runs three threads
/// fighting over one lock, a GC forced every second and 100 ms sleeps in user regions, and <c>dotnet-pprof collect
/// trace</c> records 4 s of it, once for every test of the class.</summary>
public sealed class TraceTimelineFixture : IAsyncLifetime
{
    private WebUiHost? _server;
    private IPlaywright? _playwright;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pprof-traceui-" + Guid.NewGuid().ToString("N"));

    /// <summary>The server's root, without the trailing slash.</summary>
    public string Url { get; private set; } = "";

    public NetTrace Trace { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: $PPROF_SCREENSHOTS, or screenshots/ beside the test assembly.</summary>
    public string ScreenshotDir { get; } = Environment.GetEnvironmentVariable("PPROF_SCREENSHOTS") is { Length: > 0 } d
        ? d : Path.Combine(AppContext.BaseDirectory, "screenshots");

    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotDir);
        Directory.CreateDirectory(_dir);
        string file = Path.Combine(_dir, "t.nettrace");
        Record(file);
        Trace = NetTrace.Read(file);
        _server = TraceWebServer.Start("127.0.0.1:0", Trace, "t.nettrace", Path.Combine(_dir, "settings.json"), out string url, out _);
        Url = url.TrimEnd('/');
        string chromium = Environment.GetEnvironmentVariable("PPROF_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium";
        if (!File.Exists(chromium)) throw new InvalidOperationException($"Chromium not found at {chromium}: install the chromium package (apt-get install -y chromium) or set PPROF_CHROMIUM");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = new[] { "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage" },
        });
    }

    private static void Record(string file)
    {
        string target = Path.Combine(AppContext.BaseDirectory, "Pprof.Runtime.TestTarget.dll");
        var psi = new ProcessStartInfo(DotnetHost) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { target, "60", "tracelock", "traceregion" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        try
        {
            Assert.StartsWith("ready", p.StandardOutput.ReadLine());
            // Let the workload settle (threads started, first GCs) before recording.
            Thread.Sleep(1500);
            var collect = new ProcessStartInfo(DotnetHost) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "dotnet-pprof.dll"), "collect", "trace", "-p", p.Id.ToString(CultureInfo.InvariantCulture), "-d", "4s", "-o", file })
                collect.ArgumentList.Add(a);
            using var c = Process.Start(collect)!;
            var stderr = c.StandardError.ReadToEndAsync();
            _ = c.StandardOutput.ReadToEndAsync();
            if (!c.WaitForExit(300_000))
            {
                c.Kill();
                throw new TimeoutException("dotnet-pprof collect trace did not finish in 5 minutes");
            }
            Assert.True(c.ExitCode == 0, stderr.Result);
        }
        finally
        {
            p.Kill();
            p.WaitForExit();
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser != null) await Browser.CloseAsync();
        _playwright?.Dispose();
        _server?.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
