using Microsoft.Playwright;
using Pprof.Cli.Driver;
using Pprof.Cli.Web;

namespace Pprof.Cli.BrowserTests;

/// <summary>One headless Chromium (Debian's, at /usr/bin/chromium or $PPROF_CHROMIUM) and two web UI servers on
/// loopback ports: a CPU profile and a comparison against a base. Shared by every test of the collection.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private WebUiHost? _server;
    private WebUiHost? _diffServer;
    private IPlaywright? _playwright;

    /// <summary>The server's root (<c>http://127.0.0.1:PORT</c>); the views are under <c>/ui/</c>.</summary>
    public string Url { get; private set; } = "";

    public string DiffUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: $PPROF_SCREENSHOTS, or screenshots/ beside the test assembly.</summary>
    public string ScreenshotDir { get; } = Environment.GetEnvironmentVariable("PPROF_SCREENSHOTS") is { Length: > 0 } d
        ? d : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public string SettingsPath { get; } = Path.Combine(Path.GetTempPath(), "dotnet-pprof-browser-" + Environment.ProcessId + ".json");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotDir);
        _server = WebServer.Start("127.0.0.1:0", FixtureProfiles.Cpu(), new PprofConfig(), "fixture-service", SettingsPath, out string url);
        Url = url[..url.IndexOf("/ui/", StringComparison.Ordinal)];
        _diffServer = WebServer.Start("127.0.0.1:0", FixtureProfiles.Diff(), new PprofConfig(), "fixture-service (diff)", SettingsPath, out string diffUrl);
        DiffUrl = diffUrl[..diffUrl.IndexOf("/ui/", StringComparison.Ordinal)];
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

    public async Task DisposeAsync()
    {
        if (Browser != null) await Browser.CloseAsync();
        _playwright?.Dispose();
        _server?.Dispose();
        _diffServer?.Dispose();
        try
        {
            File.Delete(SettingsPath);
        }
        catch (IOException)
        {
        }
    }
}
