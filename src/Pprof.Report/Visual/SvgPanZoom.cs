using System.Text.RegularExpressions;

namespace Pprof.Report.Visual;

/// <summary>Makes a Graphviz SVG fill its window and pan (drag) and zoom (wheel, +/-, 0 to reset) through an
/// inline script, so that the file works on its own in any browser.</summary>
public static partial class SvgPanZoom
{
    [GeneratedRegex("""<svg\s[^>]*>""")]
    private static partial Regex SvgOpen();

    [GeneratedRegex("\\s(width|height)=\"[^\"]*\"")]
    private static partial Regex SizeAttribute();

    /// <summary>Returns <paramref name="svg"/> with its fixed size replaced by the window's and the pan/zoom script
    /// added. Input without an <c>&lt;svg&gt;</c> element is returned unchanged.</summary>
    internal static string Apply(string svg)
    {
        // dot leaves some ampersands unquoted, which makes the XML unparsable.
        svg = svg.Replace("&;", "&amp;;");
        var open = SvgOpen().Match(svg);
        if (!open.Success) return svg;
        string tag = SizeAttribute().Replace(open.Value, "");
        tag = "<svg width=\"100%\" height=\"100%\" data-pprof-panzoom=\"1\"" + tag.Substring(4);
        svg = svg.Substring(0, open.Index) + tag + svg.Substring(open.Index + open.Length);
        int close = svg.LastIndexOf("</svg>", StringComparison.Ordinal);
        if (close < 0) return svg;
        string script = "<script type=\"text/ecmascript\"><![CDATA[\n" + VisualAssets.Text("svgpanzoom.js") +
            "\npprofPanZoom(document.documentElement);\n]]></script>\n";
        return svg.Substring(0, close) + script + svg.Substring(close);
    }

    /// <summary>Returns the <c>&lt;svg&gt;</c> element of a Graphviz SVG without the XML prolog and doctype, sized to
    /// fill its container, for embedding in an HTML page (which adds the pan/zoom script itself).</summary>
    public static string Inline(string svg)
    {
        svg = svg.Replace("&;", "&amp;;");
        var open = SvgOpen().Match(svg);
        if (!open.Success) return svg;
        string tag = SizeAttribute().Replace(open.Value, "");
        tag = "<svg width=\"100%\" height=\"100%\" data-pprof-panzoom=\"1\"" + tag.Substring(4);
        return tag + svg.Substring(open.Index + open.Length);
    }
}
