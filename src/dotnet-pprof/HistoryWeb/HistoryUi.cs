using System.Globalization;
using WebUtility = System.Net.WebUtility;
using System.Text;
using System.Text.Json;
using Pprof.Cli.Driver;
using Pprof.Cli.Web;
using Pprof.History;
using Pprof.Profiles;

namespace Pprof.Cli.HistoryWeb;

/// <summary>The web UI of <c>dotnet-pprof history -http</c>: at <c>/</c> a timeline of the store (samples over time
/// per profile type, the memory series) above the analysis UI of the selected range. The page's script reads
/// <c>/api/series</c> and <c>/api/timeline</c>; a selection (one range, or a base range and a range to compare) is
/// served under <c>/s/TOKEN/</c> (see <see cref="HistorySelection"/>) by the analysis web UI (<see cref="WebUi"/>)
/// for the merged profile, kept for the last <see cref="CachedSelections"/> selections.</summary>
internal sealed class HistoryUi
{
    /// <summary>How many selections' merged profiles (and their views) are kept.</summary>
    public const int CachedSelections = 8;

    public const string SelectionPrefix = "/s/";
    public const string AssetsPath = "/history/assets/";
    public const string SeriesPath = "/api/series";
    public const string TimelinePath = "/api/timeline";

    private readonly ProfileStore _store;
    private readonly string _settingsPath;
    private readonly WebAccess _access;
    private readonly string _title;

    private readonly SelectionCache<SelectionView> _selections = new(CachedSelections);

    /// <summary>A selection's analysis UI, or why there is none.</summary>
    private sealed record SelectionView(WebUi? Ui, string? Empty);

    /// <param name="store">The store shown (the UI only reads it).</param>
    /// <param name="title">Shown in the page header (the store's directory).</param>
    /// <param name="settingsPath">Where the analysis UI keeps saved configurations.</param>
    /// <param name="access">Who may use the UI.</param>
    public HistoryUi(ProfileStore store, string title, string settingsPath, WebAccess access)
    {
        _store = store;
        _title = title;
        _settingsPath = settingsPath;
        _access = access;
    }

    /// <summary>How many selections are kept now (for tests).</summary>
    internal int CachedCount => _selections.Count;

    /// <summary>Answers one request.</summary>
    public WebResponse Handle(WebRequest req)
    {
        if (_access.Check(req) is { } refused) return refused;
        try
        {
            if (req.Path.StartsWith(SelectionPrefix, StringComparison.Ordinal)) return Selection(req);
            if (req.Method is not ("GET" or "HEAD")) return WebResponse.Plain(405, "method not allowed");
            if (req.Path.StartsWith(AssetsPath, StringComparison.Ordinal)) return Asset(req.Path[AssetsPath.Length..]);
            return req.Path switch
            {
                "/" or "/history" => WebResponse.Html(HistoryPage.Write(_title)),
                SeriesPath => Json(w => TimelineData.WriteSeries(w, Series())),
                TimelinePath => Timeline(req),
                "/favicon.ico" => new WebResponse(200, "image/svg+xml", Encoding.UTF8.GetBytes(WebUi.Favicon)),
                _ => WebResponse.Plain(404, "404 page not found"),
            };
        }
        catch (PprofException e)
        {
            return WebResponse.Plain(400, e.Message);
        }
    }

    private IReadOnlyList<SeriesInfo> Series() => _store.ListSeries();

    private static WebResponse Asset(string name)
    {
        string? type = name switch
        {
            "history.js" => "text/javascript; charset=utf-8",
            "history.css" => "text/css; charset=utf-8",
            _ => null,
        };
        if (type == null) return WebResponse.Plain(404, "no such asset: " + name);
        return new WebResponse(200, type, Encoding.UTF8.GetBytes(HistoryAssets.Text(name)));
    }

    private static WebResponse Json(Action<Utf8JsonWriter> write)
    {
        var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            write(w);
        }
        return new WebResponse(200, "application/json; charset=utf-8", ms.ToArray());
    }

    /// <summary><c>/api/timeline?from=MS&amp;to=MS[&amp;buckets=N][&amp;service=S][&amp;type=T&amp;split=KEY][&amp;l.KEY=VALUE]</c>.</summary>
    private WebResponse Timeline(WebRequest req)
    {
        var q = req.Query;
        if (!HistorySelection.TryRange(q, "from", "to", required: true, out var from, out var to, out string error)
            || !HistorySelection.TryName(q, "service", required: false, out string? service, out error)
            || !HistorySelection.TryName(q, "type", required: false, out string? type, out error)
            || !HistorySelection.TryName(q, "split", required: false, out string? split, out error)
            || !HistorySelection.TryLabels(q, out var labels, out error))
        {
            return WebResponse.Plain(400, error);
        }
        int buckets = TimelineData.DefaultBuckets;
        string b = req.Get("buckets");
        if (b.Length > 0 && (!int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out buckets) || buckets < 1 || buckets > TimelineData.MaxBuckets))
            return WebResponse.Plain(400, $"bad buckets: want 1 to {TimelineData.MaxBuckets}");
        if (split != null && type == null) return WebResponse.Plain(400, "split needs type: the profile type to split");
        var r = new TimelineData.Request(service, from!.Value, to!.Value, buckets, labels, type, split);
        var series = _store.ListSeries();
        return Json(w => TimelineData.WriteTimeline(w, _store, series, r, CancellationToken.None));
    }

    /// <summary><c>/s/TOKEN/...</c>: the analysis UI of a selection, at the path after the token.</summary>
    private WebResponse Selection(WebRequest req)
    {
        string rest = req.Path[SelectionPrefix.Length..];
        int slash = rest.IndexOf('/');
        string token = slash < 0 ? rest : rest[..slash];
        string path = slash < 0 ? "/" : rest[slash..];
        if (!HistorySelection.TryParseToken(token, out var selection, out string error)) return WebResponse.Plain(400, error);
        string canonical = selection!.Token;
        string basePath = SelectionPrefix + canonical;
        if (token != canonical) return Framable(WebResponse.Redirect(basePath + path + QueryString(req)));
        var view = _selections.Get(canonical, () => Build(selection, basePath));
        if (view.Ui == null) return Framable(WebResponse.Html(EmptyPage(selection, view.Empty!), 404));
        var inner = new WebRequest(req.Method, path, req.Query, req.Remote, req.Body, req.Headers);
        return Framable(view.Ui.Handle(inner));
    }

    /// <summary>The selection's pages are shown in the history page's frame: same-origin framing is allowed.</summary>
    private static WebResponse Framable(WebResponse r)
    {
        r.Headers.Add(new("X-Frame-Options", "SAMEORIGIN"));
        r.Headers.Add(new("Content-Security-Policy", "frame-ancestors 'self'"));
        return r;
    }

    private static string QueryString(WebRequest req) =>
        req.Query.Count == 0 ? "" : "?" + string.Join("&", req.Query.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value)));

    /// <summary>Merges the selection's profiles (and, for a comparison, its base's, labelled and negated as
    /// <c>-diff_base</c> does) and makes their analysis UI.</summary>
    private SelectionView Build(HistorySelection s, string basePath)
    {
        var p = _store.Query(s.Query);
        var b = s.BaseQuery is { } bq ? _store.Query(bq) : null;
        if (p == null) return new SelectionView(null, $"No {s.Type} profiles in the range.");
        if (s.IsDiff)
        {
            if (b == null) return new SelectionView(null, $"No {s.Type} profiles in the base range: nothing to compare against.");
            b.SetLabel("pprof::base", ["true"]);
            b.Scale(-1);
            p = Fetcher.Combine([p, b]);
        }
        p.RemoveUninteresting();
        var ui = new WebUi(p, new PprofConfig(), s.Describe(), _settingsPath, _access, basePath);
        return new SelectionView(ui, null);
    }

    private static string EmptyPage(HistorySelection s, string message) =>
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>No profiles \u2014 dotnet-pprof</title>\n" +
        "<link rel=\"stylesheet\" href=\"" + AssetsPath + "history.css\">\n</head>\n<body class=\"empty-selection\">\n<p id=\"empty\">" +
        WebUtility.HtmlEncode(message) + "</p>\n<p class=\"hint\">" + WebUtility.HtmlEncode(s.Describe()) + "</p>\n</body>\n</html>\n";
}
