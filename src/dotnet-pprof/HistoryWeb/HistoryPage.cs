using System.Net;
using System.Text;

namespace Pprof.Cli.HistoryWeb;

/// <summary>The history page: a header with the query controls, the timeline (drawn by <c>history.js</c> from
/// <c>/api/timeline</c>) and a frame with the analysis UI of the selected range.</summary>
internal static class HistoryPage
{
    /// <summary>The page, for a store shown as <paramref name="title"/>.</summary>
    public static string Write(string title)
    {
        string t = WebUtility.HtmlEncode(title);
        var sb = new StringBuilder(4096);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>History \u2014 ").Append(t).Append(" \u2014 dotnet-pprof</title>\n")
          .Append("<link rel=\"icon\" href=\"/favicon.ico\" type=\"image/svg+xml\">\n")
          .Append("<link rel=\"stylesheet\" href=\"").Append(HistoryUi.AssetsPath).Append("history.css\">\n</head>\n<body>\n")
          .Append("<header id=\"hheader\">\n<span class=\"brand\">dotnet-pprof history</span>\n")
          .Append("<label>Service <select id=\"service\"></select></label>\n")
          .Append("<label>Type <select id=\"type\"></select></label>\n")
          .Append("<label>Split by <select id=\"split\"><option value=\"\">(none)</option></select></label>\n")
          .Append("<label>Focus <select id=\"focus\" disabled><option value=\"\">(all values)</option></select></label>\n")
          .Append("<span class=\"ranges\" id=\"ranges\">")
          .Append("<button type=\"button\" data-range=\"3600000\">1h</button><button type=\"button\" data-range=\"21600000\">6h</button>")
          .Append("<button type=\"button\" data-range=\"86400000\">24h</button><button type=\"button\" data-range=\"604800000\">7d</button>")
          .Append("<button type=\"button\" data-range=\"all\">All</button>")
          .Append("<button type=\"button\" id=\"zoom\" title=\"Zoom the timeline to the selected range\" disabled>Zoom in</button>")
          .Append("<button type=\"button\" id=\"refresh\" title=\"Read the store again\">\u21bb</button></span>\n")
          .Append("<label title=\"When ticked, a drag selects the range to compare with the first one (Shift+drag does the same)\">")
          .Append("<input type=\"checkbox\" id=\"compare\"> Compare</label>\n")
          .Append("<button type=\"button\" id=\"clear\" disabled>Clear selection</button>\n")
          .Append("<span class=\"store-name\" title=\"").Append(t).Append("\">").Append(t).Append("</span>\n</header>\n")
          .Append("<div id=\"status\" class=\"status\">Loading\u2026</div>\n")
          .Append("<div id=\"timeline\" class=\"timeline\"></div>\n")
          .Append("<div id=\"legend\" class=\"legend\"></div>\n")
          .Append("<p id=\"hint\" class=\"hint\">Drag across the timeline to see that range's flame graph; drag again with Compare ticked (or Shift held) ")
          .Append("to compare a second range against the first (the first is the base, as with <code>-diff_base</code>).</p>\n")
          .Append("<iframe id=\"view\" class=\"view\" title=\"Profile of the selected range\" hidden></iframe>\n")
          .Append("<script src=\"").Append(HistoryUi.AssetsPath).Append("history.js\"></script>\n</body>\n</html>\n");
        return sb.ToString();
    }
}
