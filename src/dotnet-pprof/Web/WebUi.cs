using Pprof.Profiles;
using System.Text;
using System.Text.Json;
using Pprof.Cli.Driver;
using Pprof.Report;
using Pprof.Report.Visual;

namespace Pprof.Cli.Web;

/// <summary>The <c>-http</c> web interface with pprof's URL layout: <c>/</c> redirects to the Graph view at
/// <c>/ui/</c>; Top, Flame Graph, Peek and Source views at <c>/ui/top</c>, <c>/ui/flamegraph</c>, <c>/ui/peek</c>,
/// <c>/ui/source</c>, shaped by pprof's URL parameters (<c>f</c>, <c>i</c>, <c>h</c>, <c>s</c>, <c>sf</c>,
/// <c>si</c>, <c>g</c>, <c>n</c>, ...); <c>/ui/download</c>, <c>/ui/saveconfig</c>, <c>/ui/deleteconfig</c>. This class
/// routes requests, applies the access rules (<see cref="WebAccess"/>) and keeps recent views; <see cref="WebViews"/>
/// makes them and <see cref="PageLayout"/> lays them out.</summary>
internal sealed class WebUi
{
    public const string GraphPath = "/ui/";
    public const string TopPath = "/ui/top";
    public const string FlamePath = "/ui/flamegraph";
    public const string PeekPath = "/ui/peek";
    public const string SourcePath = "/ui/source";
    public const string DownloadPath = "/ui/download";
    public const string SaveConfigPath = "/ui/saveconfig";
    public const string DeleteConfigPath = "/ui/deleteconfig";
    public const string AssetsPath = "/ui/assets/";

    /// <summary>The views: URL path, menu name.</summary>
    public static readonly IReadOnlyList<(string Path, string Name)> Views = new[]
    {
        (TopPath, "Top"), (GraphPath, "Graph"), (FlamePath, "Flame Graph"), (PeekPath, "Peek"), (SourcePath, "Source"),
    };

    private readonly Profile _profile;
    private readonly PprofConfig _config;
    private readonly WebSettings _settings;
    private readonly WebAccess _access;
    private readonly WebViews _views;
    private readonly PageLayout _layout;
    private readonly string _basePath;

    /// <summary>Recent views by path and query. The source view reads files that may change, and is not kept.</summary>
    private readonly ViewCache _cache = new(capacity: 16);

    /// <param name="profile">The profile, as fetched (sources merged, base subtracted); Download serves it with every
    /// name in full, the views with names longer than <see cref="DisplayName.MaxLength"/> shortened.</param>
    /// <param name="config">The configuration from the command line; URL parameters override it per request.</param>
    /// <param name="title">Shown in the page header (the profile's source).</param>
    /// <param name="settingsPath">Where saved configurations are kept.</param>
    /// <param name="access">Who may use the UI.</param>
    /// <param name="basePath">Where the UI is mounted when another server hosts it (e.g. <c>/pprof/sync</c> in the trace
    /// UI): links and redirects start with it, and the host strips it from request paths before <see cref="Handle"/>.
    /// Empty for the <c>-http</c> UI.</param>
    public WebUi(Profile profile, PprofConfig config, string title, string settingsPath, WebAccess access, string basePath = "")
    {
        _basePath = basePath;
        _profile = profile;
        _config = config.Clone();
        _settings = new WebSettings(settingsPath);
        _access = access;
        var shown = WithShortNames(profile);
        _views = new WebViews(shown);
        _layout = new PageLayout(shown, DisplayName.Shorten(title), IsDiff(profile), _settings, basePath);
    }

    private static bool IsDiff(Profile profile)
    {
        foreach (var s in profile.Samples)
        {
            if (s.HasLabel(FlameGraph.BaseLabel, "true") || Array.Exists(s.Values, v => v < 0)) return true;
        }
        return false;
    }

    /// <summary><paramref name="p"/>, or a copy of it whose over-long function and file names are shortened.</summary>
    private static Profile WithShortNames(Profile p)
    {
        if (!p.Functions.Any(f => f.Name.Length > DisplayName.MaxLength || f.SystemName.Length > DisplayName.MaxLength || f.Filename.Length > DisplayName.MaxLength))
            return p;
        var copy = p.Copy();
        foreach (var f in copy.Functions)
        {
            f.Name = DisplayName.Shorten(f.Name);
            f.SystemName = DisplayName.Shorten(f.SystemName);
            f.Filename = DisplayName.Shorten(f.Filename);
        }
        return copy;
    }

    /// <summary>Answers one request.</summary>
    public WebResponse Handle(WebRequest req)
    {
        if (_access.Check(req) is { } refused) return refused;
        try
        {
            if (req.Path.StartsWith(AssetsPath, StringComparison.Ordinal)) return Asset(req.Path[AssetsPath.Length..]);
            return req.Path switch
            {
                "/" => WebResponse.Redirect(_basePath + GraphPath + QueryString(req)),
                "/ui" => WebResponse.Redirect(_basePath + GraphPath + QueryString(req)),
                GraphPath or TopPath or FlamePath or PeekPath or SourcePath => Page(req, req.Path),
                DownloadPath => Download(req),
                SaveConfigPath => SaveConfig(req),
                DeleteConfigPath => DeleteConfig(req),
                "/favicon.ico" => new WebResponse(200, "image/svg+xml", Encoding.UTF8.GetBytes(Favicon)),
                _ => WebResponse.Plain(404, "404 page not found"),
            };
        }
        catch (PprofException e)
        {
            return WebResponse.Plain(400, e.Message);
        }
    }

    private static string QueryString(WebRequest req) =>
        req.Query.Count == 0 ? "" : "?" + string.Join("&", req.Query.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value)));

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

    private WebResponse Page(WebRequest req, string view)
    {
        PprofConfig cfg;
        string? configError = null;
        try
        {
            cfg = ConfigFor(req);
        }
        catch (PprofException e)
        {
            configError = e.Message;
            cfg = _config.Clone();
        }
        string key = ViewCache.Key(req, view);
        bool cacheable = view != SourcePath;
        if (!cacheable || !_cache.TryGet(key, out var content))
        {
            content = _views.Compute(view, cfg, configError);
            if (cacheable) _cache.Add(key, content);
        }
        return WebResponse.Html(_layout.Write(view, cfg.SampleIndex, content));
    }

    private WebResponse Download(WebRequest req)
    {
        var cfg = ConfigFor(req);
        var ui = new PprofUI(TextReader.Null, Stream.Null, TextWriter.Null);
        var (c, profile, ropt) = PprofDriver.GenerateRawReport(_profile, new[] { "proto" }, cfg, ui);
        var ms = new MemoryStream();
        (c.Writer ?? ReportGenerator.Generate)(ms, profile, ropt);
        var r = new WebResponse(200, "application/octet-stream", ms.ToArray());
        r.Headers.Add(new("Content-Disposition", "attachment; filename=\"profile.pb.gz\""));
        return r;
    }

    /// <summary>A saved configuration's body: the view's URL query string.</summary>
    private sealed class SavedQuery
    {
        public string? Query { get; set; }
    }

    private static readonly JsonSerializerOptions s_jsonIn = new() { PropertyNameCaseInsensitive = true, MaxDepth = 4 };

    private WebResponse SaveConfig(WebRequest req)
    {
        if (WebAccess.CheckWrite(req) is { } refused) return refused;
        string name = req.Get("config").Trim();
        if (name.Length == 0) return WebResponse.Plain(400, "missing configuration name");
        SavedQuery? body;
        try
        {
            body = JsonSerializer.Deserialize<SavedQuery>(req.Body, s_jsonIn);
        }
        catch (JsonException e)
        {
            return WebResponse.Plain(400, "bad configuration: " + e.Message);
        }
        if (body?.Query == null) return WebResponse.Plain(400, "bad configuration: want {\"query\": \"...\"}");
        _settings.Save(name, body.Query.TrimStart('?'));
        return WebResponse.Plain(200, "saved " + name);
    }

    private WebResponse DeleteConfig(WebRequest req)
    {
        if (WebAccess.CheckWrite(req) is { } refused) return refused;
        string name = req.Get("config").Trim();
        if (!_settings.Delete(name)) return WebResponse.Plain(404, "no configuration named " + name);
        return WebResponse.Plain(200, "deleted " + name);
    }

    private const string Favicon = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\"><rect x=\"1\" y=\"11\" width=\"14\" height=\"4\" fill=\"#c0392b\"/>" +
        "<rect x=\"1\" y=\"6\" width=\"9\" height=\"4\" fill=\"#e67e22\"/><rect x=\"11\" y=\"6\" width=\"4\" height=\"4\" fill=\"#f1c40f\"/>" +
        "<rect x=\"1\" y=\"1\" width=\"5\" height=\"4\" fill=\"#f39c12\"/></svg>";
}
