using Pprof.Profiles;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pprof.Cli.Driver;
using Pprof.Report;
using Pprof.Report.Visual;

namespace Pprof.Cli.Web;

/// <summary>The <c>-http</c> web interface: Top, Graph, Flame Graph, Peek and Source views of one profile, shaped by
/// pprof's URL parameters (<c>f</c>, <c>i</c>, <c>h</c>, <c>s</c>, <c>sf</c>, <c>si</c>, <c>g</c>, <c>n</c>, ...).
/// Every view is made by the driver's report pipeline; this class only lays the results out.</summary>
internal sealed class WebUi
{
    private static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.Default };
    private readonly Profile _profile;
    private readonly PprofConfig _config;
    private readonly WebSettings _settings;
    private readonly bool _loopbackOnly;
    private readonly bool _isDiff;
    private readonly string _title;

    /// <summary>The views: URL path, menu name.</summary>
    public static readonly IReadOnlyList<(string Path, string Name)> Views = new[]
    {
        ("/top", "Top"), ("/", "Graph"), ("/flamegraph", "Flame Graph"), ("/peek", "Peek"), ("/source", "Source"),
    };

    /// <param name="profile">The profile, as fetched (sources merged, base subtracted).</param>
    /// <param name="config">The configuration from the command line; URL parameters override it per request.</param>
    /// <param name="title">Shown in the page header (the profile's source).</param>
    /// <param name="settingsPath">Where saved configurations are kept.</param>
    /// <param name="loopbackOnly">Refuse (403) requests that do not come from a loopback address.</param>
    public WebUi(Profile profile, PprofConfig config, string title, string settingsPath, bool loopbackOnly)
    {
        VisualCommands.Register();
        _profile = profile;
        _config = config.Clone();
        _title = title;
        _settings = new WebSettings(settingsPath);
        _loopbackOnly = loopbackOnly;
        foreach (var s in profile.Samples)
        {
            if (s.HasLabel(StackTable.BaseLabel, "true") || Array.Exists(s.Values, v => v < 0))
            {
                _isDiff = true;
                break;
            }
        }
    }

    /// <summary>Answers one request.</summary>
    public WebResponse Handle(WebRequest req)
    {
        if (_loopbackOnly && !IPAddress.IsLoopback(req.Remote))
            return WebResponse.Plain(403, "forbidden: this server only answers requests from the local machine");
        try
        {
            if (req.Path.StartsWith("/assets/", StringComparison.Ordinal)) return Asset(req.Path["/assets/".Length..]);
            return req.Path switch
            {
                "/" => Page(req, "/"),
                "/top" => Page(req, "/top"),
                "/flamegraph" => Page(req, "/flamegraph"),
                "/peek" => Page(req, "/peek"),
                "/source" => Page(req, "/source"),
                "/download" => Download(req),
                "/saveconfig" => SaveConfig(req),
                "/deleteconfig" => DeleteConfig(req),
                "/favicon.ico" => new WebResponse(200, "image/svg+xml", Encoding.UTF8.GetBytes(Favicon)),
                _ => WebResponse.Plain(404, "not found: " + req.Path),
            };
        }
        catch (PprofException e)
        {
            return WebResponse.Plain(400, e.Message);
        }
    }

    private static WebResponse Asset(string name)
    {
        string? text = name switch
        {
            "flamegraph.js" or "flamegraph.css" or "svgpanzoom.js" => VisualAssets.Text(name),
            "ui.js" or "ui.css" => WebAssets.Text(name),
            _ => null,
        };
        if (text == null) return WebResponse.Plain(404, "no such asset: " + name);
        string type = name.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
        return new WebResponse(200, type, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The configuration for a request: the command line's, with the URL parameters applied.</summary>
    public PprofConfig ConfigFor(WebRequest req)
    {
        var cfg = _config.Clone();
        foreach (var f in PprofConfig.Fields)
        {
            if (f.UrlParam == null) continue;
            string v = req.Get(f.UrlParam);
            if (v.Length == 0) continue;
            f.Set(cfg, v);
        }
        return cfg;
    }

    private sealed class Run
    {
        public readonly StringWriter Messages = new();
        public readonly PprofUI Ui;

        public Run() => Ui = new PprofUI(TextReader.Null, Stream.Null, Messages);
    }

    /// <summary>Runs report command <paramref name="cmd"/> through the driver and returns its bytes (before any
    /// post-processing), the processed profile and the options.</summary>
    private (byte[] Bytes, Profile Profile, ReportOptions Options) Report(string[] cmd, PprofConfig cfg, Run run)
    {
        var (c, profile, ropt) = PprofDriver.GenerateRawReport(_profile, cmd, cfg, run.Ui);
        var ms = new MemoryStream();
        (c.Writer ?? ReportGenerator.Generate)(ms, profile, ropt);
        return (ms.ToArray(), profile, ropt);
    }

    /// <summary>The views' contents of the last requests, by view and query: the profile never changes while the UI
    /// runs, so going back to a view (or reloading it) does not run the report again. The source view reads files
    /// that may change, and is not kept.</summary>
    private readonly ViewCache _views = new(capacity: 16);

    private sealed record ViewContent(string Body, List<string> Labels, List<string> Errors, object? Data);

    /// <summary>A small least-recently-used map of view contents.</summary>
    private sealed class ViewCache
    {
        private readonly int _capacity;
        private readonly Dictionary<string, LinkedListNode<(string Key, ViewContent Content)>> _map = new(StringComparer.Ordinal);
        private readonly LinkedList<(string Key, ViewContent Content)> _order = new();

        public ViewCache(int capacity) => _capacity = capacity;

        public bool TryGet(string key, out ViewContent content)
        {
            lock (_map)
            {
                if (_map.TryGetValue(key, out var node))
                {
                    _order.Remove(node);
                    _order.AddFirst(node);
                    content = node.Value.Content;
                    return true;
                }
            }
            content = null!;
            return false;
        }

        public void Add(string key, ViewContent content)
        {
            lock (_map)
            {
                if (_map.TryGetValue(key, out var old)) _order.Remove(old);
                _map[key] = _order.AddFirst((key, content));
                while (_map.Count > _capacity)
                {
                    var last = _order.Last!;
                    _order.RemoveLast();
                    _map.Remove(last.Value.Key);
                }
            }
        }
    }

    private static string ViewKey(WebRequest req, string view) =>
        view + "?" + string.Join("&", req.Query.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value)));

    private WebResponse Page(WebRequest req, string view)
    {
        string key = ViewKey(req, view);
        bool cacheable = view != "/source";
        if (!cacheable || !_views.TryGet(key, out var content))
        {
            content = ComputeView(req, view);
            if (cacheable) _views.Add(key, content);
        }
        // Lists are copied: the layout must not change what the cache holds.
        return WebResponse.Html(Layout(req, view, content.Body, new List<string>(content.Labels), new List<string>(content.Errors), content.Data));
    }

    private ViewContent ComputeView(WebRequest req, string view)
    {
        var run = new Run();
        var body = new StringBuilder();
        var errors = new List<string>();
        var labels = new List<string>();
        object? data = null;
        PprofConfig cfg;
        try
        {
            cfg = ConfigFor(req);
        }
        catch (PprofException e)
        {
            errors.Add(e.Message);
            cfg = _config.Clone();
        }
        try
        {
            switch (view)
            {
                case "/top":
                    TopView(cfg, run, body, labels);
                    break;
                case "/":
                    GraphView(cfg, run, body, labels, errors);
                    break;
                case "/flamegraph":
                    data = FlameView(cfg, run, body, labels);
                    break;
                case "/peek":
                    TextView(new[] { "peek", cfg.Focus.Length != 0 ? cfg.Focus : ".*" }, cfg, run, body, labels, peek: true);
                    break;
                case "/source":
                    SourceView(req, cfg, run, body, labels);
                    break;
            }
        }
        catch (Exception e) when (PprofDriver.IsUserError(e))
        {
            errors.Add(e.Message);
        }
        foreach (var line in run.Messages.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)) errors.Add(line);
        return new ViewContent(body.ToString(), labels, errors, data);
    }

    private void TopView(PprofConfig cfg, Run run, StringBuilder body, List<string> labels)
    {
        cfg.NodeCount = 500;
        var (bytes, _, _) = Report(new[] { "top" }, cfg, run);
        var rows = TopTable.Parse(Encoding.UTF8.GetString(bytes), labels);
        body.Append("<table id=\"toptable\" class=\"toptable\"><thead><tr>");
        foreach (var (key, name, num) in new[] { ("flat", "Flat", true), ("flatpct", "Flat%", true), ("sumpct", "Sum%", true), ("cum", "Cum", true), ("cumpct", "Cum%", true), ("name", "Name", false) })
        {
            body.Append("<th data-key=\"").Append(key).Append("\" data-type=\"").Append(num ? "num" : "text").Append("\" title=\"Sort by ").Append(name).Append("\">").Append(name).Append("</th>");
        }
        body.Append("</tr></thead><tbody>");
        int i = 0;
        foreach (var r in rows)
        {
            body.Append("<tr data-name=\"").Append(Enc(r.Name)).Append("\" data-order=\"").Append(i++).Append("\">");
            Cell(body, r.Flat, r.FlatPct);
            Cell(body, r.FlatPctText, r.FlatPct);
            Cell(body, r.SumPctText, r.SumPct);
            Cell(body, r.Cum, r.CumPct);
            Cell(body, r.CumPctText, r.CumPct);
            body.Append("<td class=\"name\">").Append(Enc(r.Name));
            if (r.Suffix.Length != 0) body.Append(" <span class=\"inl\">").Append(Enc(r.Suffix)).Append("</span>");
            body.Append("</td></tr>");
        }
        body.Append("</tbody></table>");
        if (rows.Count == 0) body.Append("<p class=\"empty\">No samples match.</p>");
    }

    private static void Cell(StringBuilder b, string text, double sort) =>
        b.Append("<td class=\"num\" data-sort=\"").Append(sort.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append("\">").Append(Enc(text)).Append("</td>");

    private void GraphView(PprofConfig cfg, Run run, StringBuilder body, List<string> labels, List<string> errors)
    {
        var (bytes, _, _) = Report(new[] { "dot" }, cfg, run);
        string dot = Encoding.UTF8.GetString(bytes);
        string svg;
        try
        {
            svg = Encoding.UTF8.GetString(Graphviz.Run(dot, "svg"));
        }
        catch (GraphvizNotFoundException e)
        {
            errors.Add(e.Message);
            body.Append("<pre class=\"report\">").Append(Enc(dot)).Append("</pre>");
            return;
        }
        body.Append("<div id=\"graph\" class=\"graph\">").Append(SvgPanZoom.Inline(svg)).Append("</div>");
    }

    private object FlameView(PprofConfig cfg, Run run, StringBuilder body, List<string> labels)
    {
        var (c, profile, ropt) = PprofDriver.GenerateRawReport(_profile, new[] { "flamegraph" }, cfg, run.Ui);
        var options = VisualCommands.FlameOptions(profile, ropt);
        labels.AddRange(options.Labels);
        var graph = FlameGraph.Build(profile, options);
        var ms = new MemoryStream();
        graph.WriteJson(ms);
        body.Append("<div class=\"fg-toolbar\"><label>Orientation <select id=\"fg-orientation\"><option value=\"flame\">Flame (root at the bottom)</option>")
            .Append("<option value=\"icicle\">Icicle (root at the top)</option></select></label> <button id=\"fg-reset\" type=\"button\">Reset zoom</button> <span id=\"fg-status\"></span></div>")
            .Append("<div id=\"flamegraph\"></div>");
        return new RawJson(Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length));
    }

    private void TextView(string[] cmd, PprofConfig cfg, Run run, StringBuilder body, List<string> labels, bool peek)
    {
        var (bytes, _, _) = Report(cmd, cfg, run);
        string text = Encoding.UTF8.GetString(bytes);
        if (peek)
        {
            // The header lines (up to the table's column line) go to the label area.
            var lines = text.Split('\n');
            int k = 0;
            while (k < lines.Length && !lines[k].TrimStart().StartsWith("flat", StringComparison.Ordinal) && lines[k].Length != 0 && !lines[k].StartsWith("----", StringComparison.Ordinal)) labels.Add(lines[k++]);
            text = string.Join('\n', lines.Skip(k));
        }
        body.Append("<pre id=\"report\" class=\"report\">").Append(Enc(text)).Append("</pre>");
    }

    private void SourceView(WebRequest req, PprofConfig cfg, Run run, StringBuilder body, List<string> labels)
    {
        string rx = cfg.Focus;
        if (rx.Length == 0)
        {
            body.Append("<p class=\"hint\">Choose functions to list: select rows in Top or frames in the Flame Graph and use <b>Refine \u25b8 Focus</b>, or type a regexp in the box and use <b>Refine \u25b8 Focus</b>.</p>");
            // Show the source of the function with the largest flat value, to start with.
            cfg.NodeCount = 1;
            var (top, _, _) = Report(new[] { "top" }, cfg, run);
            var rows = TopTable.Parse(Encoding.UTF8.GetString(top), new List<string>());
            if (rows.Count == 0) return;
            rx = "^" + GoRegexEscape(rows[0].Name) + "$";
        }
        TextView(new[] { "list", rx }, cfg, run, body, labels, peek: false);
    }

    /// <summary>Escapes a literal for a Go (RE2) regular expression.</summary>
    public static string GoRegexEscape(string s)
    {
        var sb = new StringBuilder(s.Length + 8);
        foreach (char ch in s)
        {
            if ("\\.+*?()|[]{}^$".IndexOf(ch) >= 0) sb.Append('\\');
            sb.Append(ch);
        }
        return sb.ToString();
    }

    private WebResponse Download(WebRequest req)
    {
        var run = new Run();
        var cfg = ConfigFor(req);
        var (bytes, _, _) = Report(new[] { "proto" }, cfg, run);
        var r = new WebResponse(200, "application/octet-stream", bytes);
        r.Headers.Add(new("Content-Disposition", "attachment; filename=\"profile.pb.gz\""));
        return r;
    }

    private WebResponse SaveConfig(WebRequest req)
    {
        if (req.Method != "POST") return WebResponse.Plain(405, "use POST");
        string name = req.Get("config").Trim();
        if (name.Length == 0) return WebResponse.Plain(400, "missing configuration name");
        _settings.Save(name, req.Body);
        return WebResponse.Plain(200, "saved " + name);
    }

    private WebResponse DeleteConfig(WebRequest req)
    {
        if (req.Method != "POST") return WebResponse.Plain(405, "use POST");
        string name = req.Get("config").Trim();
        if (!_settings.Delete(name)) return WebResponse.Plain(404, "no configuration named " + name);
        return WebResponse.Plain(200, "deleted " + name);
    }

    private const string Favicon = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\"><rect x=\"1\" y=\"11\" width=\"14\" height=\"4\" fill=\"#c0392b\"/>" +
        "<rect x=\"1\" y=\"6\" width=\"9\" height=\"4\" fill=\"#e67e22\"/><rect x=\"11\" y=\"6\" width=\"4\" height=\"4\" fill=\"#f1c40f\"/>" +
        "<rect x=\"1\" y=\"1\" width=\"5\" height=\"4\" fill=\"#f39c12\"/></svg>";

    private sealed class RawJson
    {
        public RawJson(string json) => Text = json;

        public string Text { get; }
    }

    private string Layout(WebRequest req, string view, string body, List<string> labels, List<string> errors, object? data)
    {
        string viewName = Views.First(v => v.Path == view).Name;
        var sb = new StringBuilder(body.Length + 8192);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
          .Append(Enc(viewName)).Append(" \u2014 ").Append(Enc(_title)).Append(" \u2014 dotnet-pprof</title>\n")
          .Append("<link rel=\"icon\" href=\"/favicon.ico\" type=\"image/svg+xml\">\n")
          .Append("<link rel=\"stylesheet\" href=\"/assets/ui.css\">\n");
        if (view == "/flamegraph") sb.Append("<link rel=\"stylesheet\" href=\"/assets/flamegraph.css\">\n");
        sb.Append("</head>\n<body data-view=\"").Append(Enc(viewName)).Append("\">\n<header id=\"header\">\n");
        sb.Append("<span class=\"brand\">dotnet-pprof</span>\n<nav id=\"views\">");
        foreach (var (path, name) in Views)
        {
            sb.Append("<a class=\"view").Append(path == view ? " active" : "").Append("\" data-path=\"").Append(path).Append("\" href=\"")
              .Append(path).Append("\">").Append(Enc(name)).Append("</a>");
        }
        sb.Append("</nav>\n");
        sb.Append("<label class=\"stype\">Sample <select id=\"sample-type\">");
        var cfg = TryConfig(req);
        int si;
        try
        {
            si = _profile.SampleIndexByName(cfg.SampleIndex);
        }
        catch (Exception e) when (PprofDriver.IsUserError(e))
        {
            si = _profile.SampleTypes.Count - 1;
        }
        for (int i = 0; i < _profile.SampleTypes.Count; i++)
        {
            var t = _profile.SampleTypes[i];
            sb.Append("<option value=\"").Append(Enc(t.Type)).Append('"').Append(i == si ? " selected" : "").Append('>')
              .Append(Enc(t.Type)).Append(" (").Append(Enc(t.Unit)).Append(")</option>");
        }
        sb.Append("</select></label>\n");
        sb.Append("<div class=\"menu\" id=\"refine\"><button type=\"button\" class=\"menu-button\" id=\"refine-button\">Refine \u25be</button><div class=\"menu-items\">")
          .Append("<button type=\"button\" data-param=\"f\" id=\"refine-focus\">Focus</button>")
          .Append("<button type=\"button\" data-param=\"i\" id=\"refine-ignore\">Ignore</button>")
          .Append("<button type=\"button\" data-param=\"h\" id=\"refine-hide\">Hide</button>")
          .Append("<button type=\"button\" data-param=\"s\" id=\"refine-show\">Show</button>")
          .Append("<button type=\"button\" data-param=\"sf\" id=\"refine-showfrom\">Show from</button>")
          .Append("<hr><button type=\"button\" id=\"refine-reset\">Reset</button></div></div>\n");
        sb.Append("<div class=\"menu\" id=\"config\"><button type=\"button\" class=\"menu-button\" id=\"config-button\">Config \u25be</button><div class=\"menu-items\">")
          .Append("<button type=\"button\" id=\"config-save\">Save as \u2026</button><hr><div id=\"config-list\">");
        foreach (var (name, query) in _settings.List())
        {
            sb.Append("<div class=\"config-entry\"><a class=\"config-link\" data-query=\"").Append(Enc(query)).Append("\" href=\"#\">").Append(Enc(name))
              .Append("</a> <button type=\"button\" class=\"config-delete\" data-name=\"").Append(Enc(name)).Append("\" title=\"Delete\">\u00d7</button></div>");
        }
        sb.Append("</div></div></div>\n");
        sb.Append("<a id=\"download\" class=\"button\" href=\"/download\" download=\"profile.pb.gz\">Download</a>\n");
        sb.Append("<input id=\"search\" type=\"search\" placeholder=\"Search regexp\" aria-label=\"Search\" size=\"28\">\n");
        sb.Append("<span id=\"selection\" class=\"selection\"></span>\n");
        sb.Append("<span class=\"source-name\" title=\"").Append(Enc(_title)).Append("\">").Append(Enc(_title)).Append("</span>\n");
        sb.Append("</header>\n");
        if (_isDiff)
        {
            sb.Append("<div class=\"diff-banner\" id=\"diff-banner\">Differential view: values are this profile minus the base profile (")
              .Append("-base/-diff_base). In the flame graph, red frames grew and blue frames shrank.</div>\n");
        }
        foreach (var e in errors) sb.Append("<div class=\"error\">").Append(Enc(e)).Append("</div>\n");
        sb.Append("<div id=\"labels\" class=\"labels\">");
        foreach (var l in labels) sb.Append("<div>").Append(Enc(l)).Append("</div>");
        sb.Append("</div>\n<main id=\"content\" class=\"content\">\n").Append(body).Append("\n</main>\n");
        var page = new Dictionary<string, object?>
        {
            ["view"] = viewName,
            ["path"] = view,
            ["diff"] = _isDiff,
        };
        sb.Append("<script id=\"page-data\" type=\"application/json\">").Append(JsonSerializer.Serialize(page, s_json)).Append("</script>\n");
        if (data is RawJson raw)
        {
            sb.Append("<script id=\"flame-data\" type=\"application/json\">").Append(raw.Text).Append("</script>\n");
            sb.Append("<script src=\"/assets/flamegraph.js\"></script>\n");
        }
        if (view == "/") sb.Append("<script src=\"/assets/svgpanzoom.js\"></script>\n");
        sb.Append("<script src=\"/assets/ui.js\"></script>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private PprofConfig TryConfig(WebRequest req)
    {
        try
        {
            return ConfigFor(req);
        }
        catch (PprofException)
        {
            return _config.Clone();
        }
    }

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}
