using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Pprof.Cli.Driver;
using Pprof.Cli.Web;
using Pprof.Traces;

namespace Pprof.Cli.Trace.Web;

/// <summary>The web UI of <c>dotnet-pprof trace FILE</c>, laid out like <c>go tool trace</c>'s: an index at <c>/</c>
/// linking the timeline (<c>/timeline</c>, with its data at <c>/timeline/data</c> and <c>/timeline/summary</c>), the
/// blocking profiles derived from the trace (<c>/pprof/sync</c>, <c>net</c>, <c>syscall</c>, <c>sched</c>: pprof's
/// graph, flame graph, top, peek and source views of <see cref="WebUi"/>, mounted under that prefix, and
/// <c>/pprof/TYPE/ui/download</c>) and the views of <see cref="TraceViews.All"/>. Access rules are the <c>-http</c>
/// UI's (<see cref="WebAccess"/>); query parameters are bounded (400 for bad ones).</summary>
internal sealed class TraceWebUi
{
    public const string TimelinePath = "/timeline";
    public const string TimelineDataPath = "/timeline/data";
    public const string TimelineSummaryPath = "/timeline/summary";
    public const string PprofPath = "/pprof/";
    public const string AssetsPath = "/assets/";

    /// <summary>At most this many query parameters per request.</summary>
    public const int MaxParameters = 32;

    private static readonly IReadOnlyDictionary<string, string> s_profileTitles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["net"] = "Network blocking profile",
        ["sync"] = "Synchronization blocking profile",
        ["syscall"] = "Syscall profile",
        ["sched"] = "Scheduler latency profile",
    };

    private readonly NetTrace _trace;
    private readonly string _name;
    private readonly WebAccess _access;
    private readonly string _settingsPath;
    private readonly Lazy<TimelineModel> _timeline;
    private readonly ConcurrentDictionary<string, Lazy<WebUi>> _profiles = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<ITraceView> _views;

    /// <param name="trace">The trace.</param>
    /// <param name="name">The trace file's name (titles).</param>
    /// <param name="access">Who may use the UI.</param>
    /// <param name="settingsPath">Where the profile views keep saved configurations.</param>
    /// <param name="views">The extra views (<see cref="TraceViews.All"/>).</param>
    public TraceWebUi(NetTrace trace, string name, WebAccess access, string settingsPath, IReadOnlyList<ITraceView> views)
    {
        _trace = trace;
        _name = name;
        _access = access;
        _settingsPath = settingsPath;
        _views = views;
        _timeline = new Lazy<TimelineModel>(() => TimelineModel.Build(trace), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The timeline's lanes (built on first use).</summary>
    public TimelineModel Timeline => _timeline.Value;

    /// <summary>Answers one request.</summary>
    public WebResponse Handle(WebRequest req)
    {
        if (_access.Check(req) is { } refused) return refused;
        if (req.Query.Count > MaxParameters) return WebResponse.Plain(400, "too many query parameters");
        foreach (var kv in req.Query)
        {
            if (kv.Key.Length > TraceViewContext.MaxParameterLength || kv.Value.Length > TraceViewContext.MaxParameterLength)
                return WebResponse.Plain(400, "query parameter too long");
        }
        string path = req.Path;
        if (path.StartsWith(PprofPath, StringComparison.Ordinal)) return Profile(req);
        if (req.Method is not ("GET" or "HEAD")) return WebResponse.Plain(405, "use GET");
        try
        {
            if (path.StartsWith(AssetsPath, StringComparison.Ordinal)) return Asset(path[AssetsPath.Length..]);
            switch (path)
            {
                case "/": return WebResponse.Html(Layout("Index", "", Index()));
                case TimelinePath: return WebResponse.Html(Layout("View trace", TimelinePath, TimelinePage(), script: "timeline.js"));
                case TimelineDataPath: return Json(TimelineData.Window(Timeline, Context(req)));
                case TimelineSummaryPath: return Json(TimelineData.Summary(Timeline, Context(req)));
                case "/favicon.ico": return new WebResponse(200, "image/svg+xml", Encoding.UTF8.GetBytes(Favicon));
            }
            foreach (var v in _views)
            {
                if (path == v.Path || path.StartsWith(v.Path + "/", StringComparison.Ordinal)) return View(v, req);
            }
            return WebResponse.Plain(404, "404 page not found");
        }
        catch (TraceViewException e)
        {
            return WebResponse.Plain(400, e.Message);
        }
    }

    private TraceViewContext Context(WebRequest req) => new(_trace, req.Path, req.Query, _name);

    private static WebResponse Json(byte[] body) => new(200, "application/json; charset=utf-8", body);

    private WebResponse View(ITraceView view, WebRequest req)
    {
        var r = view.Render(Context(req));
        if (!r.IsPage) return new WebResponse(r.Status, r.ContentType, r.Body);
        return WebResponse.Html(Layout(r.Title ?? view.Title, view.Path, Encoding.UTF8.GetString(r.Body)), r.Status);
    }

    /// <summary>A blocking profile's pprof views: <c>/pprof/TYPE/...</c> is <see cref="WebUi"/>'s <c>/...</c>.</summary>
    private WebResponse Profile(WebRequest req)
    {
        string rest = req.Path[PprofPath.Length..];
        int slash = rest.IndexOf('/');
        string kind = slash < 0 ? rest : rest[..slash];
        if (!s_profileTitles.ContainsKey(kind)) return WebResponse.Plain(404, "no such profile: want one of " + string.Join(", ", TraceProfiles.Kinds));
        string basePath = PprofPath + kind;
        var ui = _profiles.GetOrAdd(kind, k => new Lazy<WebUi>(() =>
            new WebUi(TraceProfiles.Build(_trace, k), new PprofConfig(), $"{_name}: {k}", _settingsPath, _access, basePath),
            LazyThreadSafetyMode.ExecutionAndPublication)).Value;
        string inner = slash < 0 ? "/" : rest[slash..];
        return ui.Handle(new WebRequest(req.Method, inner, req.Query, req.Remote, req.Body, req.Headers));
    }

    private static WebResponse Asset(string name)
    {
        if (name is not ("timeline.js" or "trace.css")) return WebResponse.Plain(404, "no such asset: " + name);
        string type = name.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
        return new WebResponse(200, type, Encoding.UTF8.GetBytes(TraceAssets.Text(name)));
    }

    /// <summary>The shared page: header with the views, then <paramref name="body"/>.</summary>
    private string Layout(string title, string active, string body, string? script = null)
    {
        var sb = new StringBuilder(body.Length + 4096);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(Enc(title)).Append(" \u2014 ")
          .Append(Enc(_name)).Append(" \u2014 dotnet-pprof trace</title>\n<link rel=\"icon\" href=\"/favicon.ico\" type=\"image/svg+xml\">\n")
          .Append("<link rel=\"stylesheet\" href=\"").Append(AssetsPath).Append("trace.css\">\n</head>\n<body>\n<header id=\"header\">\n")
          .Append("<a class=\"brand\" href=\"/\">dotnet-pprof trace</a>\n<nav id=\"views\">");
        NavLink(sb, TimelinePath, "View trace", active);
        foreach (var v in _views) NavLink(sb, v.Path, v.Title, active);
        foreach (var kind in TraceProfiles.Kinds) NavLink(sb, PprofPath + kind + "/ui/", kind, active);
        sb.Append("</nav>\n<span class=\"source-name\" title=\"").Append(Enc(_name)).Append("\">").Append(Enc(_name)).Append("</span>\n</header>\n")
          .Append("<main id=\"content\">\n").Append(body).Append("\n</main>\n");
        if (script != null) sb.Append("<script src=\"").Append(AssetsPath).Append(script).Append("\"></script>\n");
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static void NavLink(StringBuilder sb, string path, string title, string active) =>
        sb.Append("<a class=\"view").Append(path == active ? " active" : "").Append("\" href=\"").Append(Enc(path)).Append("\">").Append(Enc(title)).Append("</a>");

    /// <summary>The index: what the trace holds and links to every view, as go tool trace's first page.</summary>
    private string Index()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("<h1>").Append(Enc(_name)).Append("</h1>\n<p class=\"facts\">")
          .Append(Enc(string.Create(inv, $"Process {_trace.ProcessId}, started {_trace.StartTime:yyyy-MM-dd HH:mm:ss}Z, {_trace.DurationNanos / 1e9:0.00} s, {_trace.EventCount:N0} events, {_trace.Threads.Count} threads, {_trace.Samples.Count:N0} samples, {_trace.Gcs.Count} GCs.")))
          .Append("</p>\n");
        if (_trace.LostEvents > 0)
            sb.Append("<p class=\"warning\">").Append(Enc(string.Create(inv, $"The runtime lost {_trace.LostEvents:N0} events while recording: the trace has gaps."))).Append("</p>\n");
        sb.Append("<h2>Event timelines</h2>\n<ul>\n<li><a id=\"link-timeline\" href=\"").Append(TimelinePath)
          .Append("\">View trace</a>: each thread's running, lock waits, wait handles, I/O and sleeps, GC pauses, thread-pool and exception events, requests and user regions</li>\n</ul>\n");
        if (_views.Count > 0)
        {
            sb.Append("<h2>Analyses</h2>\n<ul>\n");
            foreach (var v in _views) sb.Append("<li><a href=\"").Append(Enc(v.Path)).Append("\">").Append(Enc(v.Title)).Append("</a></li>\n");
            sb.Append("</ul>\n");
        }
        sb.Append("<h2>Profiles</h2>\n<p>Blocking profiles derived from the trace, in pprof's views (also on the command line: <code>dotnet-pprof trace -pprof=TYPE FILE</code>).</p>\n<ul>\n");
        foreach (var kind in TraceProfiles.Kinds)
        {
            string b = PprofPath + kind;
            sb.Append("<li id=\"profile-").Append(kind).Append("\">").Append(Enc(s_profileTitles[kind])).Append(" (").Append(kind).Append("): <a href=\"").Append(b).Append("/ui/\">graph</a>, <a href=\"")
              .Append(b).Append(WebUi.FlamePath).Append("\">flame graph</a>, <a href=\"").Append(b).Append(WebUi.TopPath).Append("\">top</a>, <a href=\"")
              .Append(b).Append(WebUi.DownloadPath).Append("\">download</a></li>\n");
        }
        sb.Append("</ul>\n");
        return sb.ToString();
    }

    private static string TimelinePage() => """
        <div id="timeline-bar">
          <span class="legend" id="legend"></span>
          <span class="modes"><label><input type="radio" name="mode" value="pan" checked> Pan</label>
          <label><input type="radio" name="mode" value="select" id="mode-select"> Select</label>
          <label><input type="checkbox" id="show-flows" checked> Flows</label></span>
          <button type="button" id="zoom-in" title="Zoom in (W)">+</button><button type="button" id="zoom-out" title="Zoom out (S)">&minus;</button>
          <button type="button" id="zoom-reset" title="Whole trace (0)">Reset</button>
          <span id="range" class="range"></span>
          <span id="status" class="status"></span>
        </div>
        <div id="timeline" tabindex="0">
          <div id="lane-names"></div>
          <div id="canvas-box"><canvas id="canvas"></canvas></div>
        </div>
        <div id="tooltip" hidden></div>
        <section id="summary" hidden></section>
        <p class="help">Wheel or W/S: zoom at the pointer. Drag or A/D: pan. Shift-drag (or Select mode): select a range for a summary of each lane's time by state. Click a group name to fold it.</p>
        """;

    private static string Enc(string s) => System.Net.WebUtility.HtmlEncode(s);

    private const string Favicon = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\"><rect x=\"1\" y=\"2\" width=\"9\" height=\"3\" fill=\"#3b7dd8\"/>" +
        "<rect x=\"5\" y=\"7\" width=\"10\" height=\"3\" fill=\"#e67e22\"/><rect x=\"2\" y=\"12\" width=\"6\" height=\"3\" fill=\"#c0392b\"/></svg>";
}
