using System.Globalization;
using System.Net;
using System.Text;

namespace Pprof.Report.Visual;

/// <summary>Writes a flame graph as one self-contained HTML file: styles, script and data inline, nothing fetched
/// from the network.</summary>
public static class FlameGraphPage
{
    /// <summary>Writes the page for <paramref name="graph"/> to <paramref name="output"/> (UTF-8).</summary>
    public static void Write(Stream output, FlameGraph graph)
    {
        var o = graph.Options;
        var title = o.Title.Length != 0 ? o.Title : "Flame graph";
        var head = new StringBuilder();
        head.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        head.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        head.Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>\n<style>\n");
        head.Append(VisualAssets.Text("flamegraph.css"));
        head.Append(PageCss);
        head.Append("</style>\n</head>\n<body>\n<header>\n<h1>").Append(WebUtility.HtmlEncode(title)).Append("</h1>\n");
        head.Append("<div class=\"fg-labels\">");
        foreach (var l in o.Labels) head.Append("<div>").Append(WebUtility.HtmlEncode(l)).Append("</div>");
        if (graph.CutStacks > 0)
        {
            head.Append("<div>").Append(graph.CutStacks.ToString(CultureInfo.InvariantCulture))
                .Append(" stacks deeper than ").Append(o.MaxDepth.ToString(CultureInfo.InvariantCulture)).Append(" frames are cut at that depth</div>");
        }
        head.Append("</div>\n<div class=\"fg-toolbar\">");
        head.Append("<input id=\"fg-search\" type=\"search\" placeholder=\"Search (regexp)\" aria-label=\"Search\" size=\"32\">");
        head.Append("<select id=\"fg-orientation\" aria-label=\"Orientation\"><option value=\"flame\">Flame (root at the bottom)</option>");
        head.Append("<option value=\"icicle\">Icicle (root at the top)</option></select>");
        head.Append("<button id=\"fg-reset\" type=\"button\">Reset zoom</button>");
        head.Append("<span id=\"fg-status\"></span></div>\n</header>\n");
        head.Append("<div id=\"fg-graph\"></div>\n<script id=\"fg-data\" type=\"application/json\">");
        var enc = new UTF8Encoding(false);
        output.Write(enc.GetBytes(head.ToString()));
        graph.WriteJson(output);
        var tail = new StringBuilder();
        tail.Append("</script>\n<script>\n").Append(VisualAssets.Text("flamegraph.js"));
        tail.Append("</script>\n<script>\n").Append(VisualAssets.Text("flamegraph-page.js"));
        tail.Append("</script>\n</body>\n</html>\n");
        output.Write(enc.GetBytes(tail.ToString()));
    }

    private const string PageCss = """
body { margin: 0; padding: 8px 12px; font: 13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; }
h1 { font-size: 18px; margin: 4px 0; }
.fg-labels { color: #555; font-size: 12px; margin-bottom: 6px; }
.fg-toolbar { display: flex; gap: 8px; align-items: center; margin-bottom: 6px; flex-wrap: wrap; }
.fg-toolbar input.fg-bad { outline: 2px solid #d00; }
#fg-status { color: #444; }

""";
}
