using System.Text;

namespace Pprof.Cli.Trace.Web;

/// <summary>What a <see cref="ITraceView"/> answers: a page body to lay out (<see cref="Page"/>), a JSON document
/// (<see cref="Json(string)"/>), or an error with its HTTP status.</summary>
internal sealed class TraceViewResult
{
    private TraceViewResult(int status, string contentType, byte[] body, string? title, bool isPage)
    {
        Status = status;
        ContentType = contentType;
        Body = body;
        Title = title;
        IsPage = isPage;
    }

    /// <summary>The HTTP status.</summary>
    public int Status { get; }

    /// <summary>The content type (for pages: HTML).</summary>
    public string ContentType { get; }

    /// <summary>The body: for pages the HTML inside <c>&lt;main&gt;</c>, otherwise the whole response.</summary>
    public byte[] Body { get; }

    /// <summary>For pages: the page title (null: the view's title).</summary>
    public string? Title { get; }

    /// <summary>True when the server wraps <see cref="Body"/> in the shared layout (header, nav, styles).</summary>
    public bool IsPage { get; }

    /// <summary>A page: <paramref name="html"/> is the body (already HTML-encoded where it shows data), laid out by the
    /// server. <paramref name="title"/> overrides the view's title in the page's title.</summary>
    public static TraceViewResult Page(string html, string? title = null) =>
        new(200, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html), title, isPage: true);

    /// <summary>A JSON document.</summary>
    public static TraceViewResult Json(string json) => new(200, "application/json; charset=utf-8", Encoding.UTF8.GetBytes(json), null, isPage: false);

    /// <summary>A JSON document already encoded as UTF-8.</summary>
    public static TraceViewResult Json(byte[] utf8) => new(200, "application/json; charset=utf-8", utf8, null, isPage: false);

    /// <summary>Plain text with <paramref name="status"/>.</summary>
    public static TraceViewResult Text(int status, string text) => new(status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text + "\n"), null, isPage: false);

    /// <summary>400: the request's parameters are wrong.</summary>
    public static TraceViewResult BadRequest(string message) => Text(400, message);

    /// <summary>404: nothing at this path (an unknown instance, say).</summary>
    public static TraceViewResult NotFound(string message) => Text(404, message);
}
