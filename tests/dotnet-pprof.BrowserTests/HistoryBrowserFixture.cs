using Microsoft.Playwright;
using Pprof.Cli.HistoryWeb;
using Pprof.Cli.Web;
using Pprof.History;

namespace Pprof.Cli.BrowserTests;

/// <summary>A profile store filled with <see cref="HistoryStoreData"/> (ending 10 minutes ago, so no downsampling
/// applies), the history UI serving it read-only on a loopback port, and one headless Chromium.</summary>
public sealed class HistoryBrowserFixture : IAsyncLifetime
{
    private WebUiHost? _server;
    private ProfileStore? _store;
    private IPlaywright? _playwright;

    /// <summary>The server's root (<c>http://127.0.0.1:PORT</c>).</summary>
    public string Url { get; private set; } = "";

    /// <summary>Start of the first profile.</summary>
    public DateTime T0 { get; } = new DateTime(DateTime.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, DateTimeKind.Utc).AddMinutes(-40);

    public IBrowser Browser { get; private set; } = null!;

    public string StoreDir { get; } = Path.Combine(Path.GetTempPath(), "dotnet-pprof-history-browser-" + Environment.ProcessId);

    /// <summary>Where screenshots go: $PPROF_SCREENSHOTS, or screenshots/ beside the test assembly.</summary>
    public string ScreenshotDir { get; } = Environment.GetEnvironmentVariable("PPROF_SCREENSHOTS") is { Length: > 0 } d
        ? d : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public string SettingsPath { get; } = Path.Combine(Path.GetTempPath(), "dotnet-pprof-history-browser-" + Environment.ProcessId + ".json");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotDir);
        if (Directory.Exists(StoreDir)) Directory.Delete(StoreDir, recursive: true);
        HistoryStoreData.Fill(StoreDir, T0);
        _store = ProfileStore.Open(StoreDir, new ProfileStoreOptions { ReadOnly = true });
        _server = HistoryServer.Start(_store, "127.0.0.1:0", SettingsPath, out string url);
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

    public async Task DisposeAsync()
    {
        if (Browser != null) await Browser.CloseAsync();
        _playwright?.Dispose();
        _server?.Dispose();
        _store?.Dispose();
        try
        {
            File.Delete(SettingsPath);
            Directory.Delete(StoreDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
