using System.Text;

namespace Pprof.Cli.Web;

/// <summary>An HTTP response: status, content type, body and extra headers.</summary>
internal sealed class WebResponse
{
    public WebResponse(int status, string contentType, byte[] body)
    {
        Status = status;
        ContentType = contentType;
        Body = body;
    }

    public int Status { get; }

    public string ContentType { get; }

    public byte[] Body { get; }

    /// <summary>Extra headers (name, value).</summary>
    public List<KeyValuePair<string, string>> Headers { get; } = new();

    /// <summary>The body as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Body);

    public static WebResponse Html(string html, int status = 200) => new(status, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html));

    public static WebResponse Plain(int status, string text) => new(status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text + "\n"));

    public static WebResponse Redirect(string location)
    {
        var r = new WebResponse(303, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes("See " + location + "\n"));
        r.Headers.Add(new("Location", location));
        return r;
    }
}
