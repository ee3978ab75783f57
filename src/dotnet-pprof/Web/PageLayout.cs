using Pprof.Profiles;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pprof.Cli.Driver;

namespace Pprof.Cli.Web;

/// <summary>Lays a view out as a page: the header (views, sample type, Refine and Config menus, Download, search),
/// labels, errors, the view's body and the page's data and scripts. Every text from the profile, the request or the
/// settings file is HTML-encoded.</summary>
internal sealed class PageLayout
{
    private static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.Default };
    private readonly Profile _profile;
    private readonly string _title;
    private readonly bool _isDiff;
    private readonly WebSettings _settings;
    private readonly string _base;

    /// <param name="basePath">Prefix of every link (see <see cref="WebUi"/>'s basePath); empty for the <c>-http</c> UI.</param>
    public PageLayout(Profile profile, string title, bool isDiff, WebSettings settings, string basePath = "")
    {
        _base = basePath;
        _profile = profile;
        _title = title;
        _isDiff = isDiff;
        _settings = settings;
    }

    /// <summary>The page of view <paramref name="view"/> with <paramref name="content"/>, for sample type
    /// <paramref name="sampleIndex"/> (a name or index, as <c>si</c> takes it).</summary>
    public string Write(string view, string sampleIndex, ViewContent content)
    {
        string viewName = WebUi.Views.First(v => v.Path == view).Name;
        var sb = new StringBuilder(content.Body.Length + (content.FlameJson?.Length ?? 0) + 8192);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
          .Append(Enc(viewName)).Append(" \u2014 ").Append(Enc(_title)).Append(" \u2014 dotnet-pprof</title>\n")
          .Append("<link rel=\"icon\" href=\"/favicon.ico\" type=\"image/svg+xml\">\n")
          .Append("<link rel=\"stylesheet\" href=\"").Append(_base).Append(WebUi.AssetsPath).Append("ui.css\">\n");
        if (view == WebUi.FlamePath) sb.Append("<link rel=\"stylesheet\" href=\"").Append(_base).Append(WebUi.AssetsPath).Append("flamegraph.css\">\n");
        sb.Append("</head>\n<body data-view=\"").Append(Enc(viewName)).Append("\">\n<header id=\"header\">\n");
        // Mounted in the trace UI, the brand leads back to the trace's index.
        sb.Append(_base.Length == 0 ? "<span class=\"brand\">dotnet-pprof</span>" : "<a class=\"brand\" href=\"/\">dotnet-pprof trace</a>").Append("\n<nav id=\"views\">");
        foreach (var (path, name) in WebUi.Views)
        {
            sb.Append("<a class=\"view").Append(path == view ? " active" : "").Append("\" data-path=\"").Append(_base).Append(path).Append("\" href=\"")
              .Append(_base).Append(path).Append("\">").Append(Enc(name)).Append("</a>");
        }
        sb.Append("</nav>\n");
        SampleTypes(sb, sampleIndex);
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
        sb.Append("<a id=\"download\" class=\"button\" href=\"").Append(_base).Append(WebUi.DownloadPath).Append("\" download=\"profile.pb.gz\">Download</a>\n");
        sb.Append("<input id=\"search\" type=\"search\" placeholder=\"Search regexp\" aria-label=\"Search\" size=\"28\">\n");
        sb.Append("<span id=\"selection\" class=\"selection\"></span>\n");
        sb.Append("<span class=\"source-name\" title=\"").Append(Enc(_title)).Append("\">").Append(Enc(_title)).Append("</span>\n");
        sb.Append("</header>\n");
        if (_isDiff)
        {
            sb.Append("<div class=\"diff-banner\" id=\"diff-banner\">Differential view: values are this profile minus the base profile (")
              .Append("-base/-diff_base). In the flame graph, red frames grew and blue frames shrank.</div>\n");
        }
        foreach (var e in content.Errors) sb.Append("<div class=\"error\">").Append(Enc(e)).Append("</div>\n");
        sb.Append("<div id=\"labels\" class=\"labels\">");
        foreach (var l in content.Labels) sb.Append("<div>").Append(Enc(l)).Append("</div>");
        sb.Append("</div>\n<main id=\"content\" class=\"content\">\n").Append(content.Body).Append("\n</main>\n");
        var page = new Dictionary<string, object?>
        {
            ["view"] = viewName,
            ["path"] = _base + view,
            ["base"] = _base,
            ["diff"] = _isDiff,
        };
        sb.Append("<script id=\"page-data\" type=\"application/json\">").Append(JsonSerializer.Serialize(page, s_json)).Append("</script>\n");
        if (content.FlameJson != null)
        {
            sb.Append("<script id=\"flame-data\" type=\"application/json\">").Append(content.FlameJson).Append("</script>\n");
            sb.Append("<script src=\"").Append(_base).Append(WebUi.AssetsPath).Append("flamegraph.js\"></script>\n");
        }
        if (view == WebUi.GraphPath) sb.Append("<script src=\"").Append(_base).Append(WebUi.AssetsPath).Append("svgpanzoom.js\"></script>\n");
        sb.Append("<script src=\"").Append(_base).Append(WebUi.AssetsPath).Append("ui.js\"></script>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private void SampleTypes(StringBuilder sb, string sampleIndex)
    {
        sb.Append("<label class=\"stype\">Sample <select id=\"sample-type\">");
        int si;
        try
        {
            si = _profile.SampleIndexByName(sampleIndex);
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
    }

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}
