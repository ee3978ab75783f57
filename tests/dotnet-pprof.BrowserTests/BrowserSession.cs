using Microsoft.Playwright;

namespace Pprof.Cli.BrowserTests;

/// <summary>A page in a fresh browser context that records console errors, uncaught exceptions and every request it
/// makes (so a test can check that nothing was fetched from elsewhere); downloads are accepted.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private IBrowserContext _context = null!;

    public List<string> Errors { get; } = new();

    public List<string> Requests { get; } = new();

    public IPage Page { get; private set; } = null!;

    public static async Task<BrowserSession> Open(IBrowser browser, int width, int height)
    {
        var s = new BrowserSession();
        s._context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true });
        s.Page = await s._context.NewPageAsync();
        s.Page.Console += (_, m) =>
        {
            if (m.Type == "error") s.Errors.Add("console: " + m.Text);
        };
        s.Page.PageError += (_, e) => s.Errors.Add("page error: " + e);
        s.Page.Request += (_, r) => s.Requests.Add(r.Url);
        return s;
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
