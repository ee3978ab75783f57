using Pprof.Profiles;
using System.Globalization;
using System.Net;
using System.Text;
using Pprof.Cli.Driver;
using Pprof.Profiles.Go;
using Pprof.Report;
using Pprof.Report.Visual;

namespace Pprof.Cli.Web;

/// <summary>The contents of the views (Top, Graph, Flame Graph, Peek, Source), each made by the driver's report
/// pipeline on the UI's profile with the request's configuration; errors become lines shown above the view.</summary>
internal sealed class WebViews
{
    private readonly Profile _profile;

    /// <param name="profile">The profile the views show (long names already shortened).</param>
    public WebViews(Profile profile) => _profile = profile;

    /// <summary>Report output lines and warnings of one view.</summary>
    private sealed class Run
    {
        public readonly StringWriter Messages = new();
        public readonly PprofUI Ui;

        public Run() => Ui = new PprofUI(TextReader.Null, Stream.Null, Messages);
    }

    /// <summary>Computes view <paramref name="view"/> (a path of <see cref="WebUi.Views"/>) with <paramref name="cfg"/>;
    /// <paramref name="configError"/> (the request's parameters did not parse) is shown first.</summary>
    public ViewContent Compute(string view, PprofConfig cfg, string? configError)
    {
        var run = new Run();
        var body = new StringBuilder();
        var errors = new List<string>();
        var labels = new List<string>();
        string? flame = null;
        if (configError != null) errors.Add(configError);
        try
        {
            switch (view)
            {
                case WebUi.TopPath:
                    TopView(cfg, run, body, labels);
                    break;
                case WebUi.GraphPath:
                    GraphView(cfg, run, body, errors);
                    break;
                case WebUi.FlamePath:
                    flame = FlameView(cfg, run, body, labels);
                    break;
                case WebUi.PeekPath:
                    PeekView(cfg, run, body, labels);
                    break;
                case WebUi.SourcePath:
                    SourceView(cfg, run, body);
                    break;
            }
        }
        catch (Exception e) when (PprofDriver.IsUserError(e))
        {
            errors.Add(e.Message);
        }
        foreach (var line in run.Messages.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)) errors.Add(line);
        return new ViewContent(body.ToString(), labels, errors, flame);
    }

    /// <summary>Runs report command <paramref name="cmd"/> through the driver and returns its bytes (before any
    /// post-processing).</summary>
    private byte[] Report(string[] cmd, PprofConfig cfg, Run run)
    {
        var (c, profile, ropt) = PprofDriver.GenerateRawReport(_profile, cmd, cfg, run.Ui);
        var ms = new MemoryStream();
        (c.Writer ?? ReportGenerator.Generate)(ms, profile, ropt);
        return ms.ToArray();
    }

    /// <summary>The top table's rows, as data.</summary>
    private TextItems TopItems(PprofConfig cfg, Run run)
    {
        var (_, profile, ropt) = PprofDriver.GenerateRawReport(_profile, new[] { "top" }, cfg, run.Ui);
        return ReportGenerator.GetTextItems(profile, ropt);
    }

    private void TopView(PprofConfig cfg, Run run, StringBuilder body, List<string> labels)
    {
        cfg.NodeCount = 500;
        var top = TopItems(cfg, run);
        labels.AddRange(top.Labels);
        body.Append("<table id=\"toptable\" class=\"toptable\"><thead><tr>");
        foreach (var (key, name, num) in new[] { ("flat", "Flat", true), ("flatpct", "Flat%", true), ("sumpct", "Sum%", true), ("cum", "Cum", true), ("cumpct", "Cum%", true), ("name", "Name", false) })
        {
            body.Append("<th data-key=\"").Append(key).Append("\" data-type=\"").Append(num ? "num" : "text").Append("\" title=\"Sort by ").Append(name).Append("\">").Append(name).Append("</th>");
        }
        body.Append("</tr></thead><tbody>");
        long sum = 0;
        for (int i = 0; i < top.Items.Count; i++)
        {
            var r = top.Items[i];
            sum += r.Flat;
            body.Append("<tr data-name=\"").Append(Enc(r.Name)).Append("\" data-order=\"").Append(i).Append("\">");
            Cell(body, r.FlatFormat, r.Flat);
            Cell(body, Measurement.Percentage(r.Flat, top.Total), r.Flat);
            Cell(body, Measurement.Percentage(sum, top.Total), sum);
            Cell(body, r.CumFormat, r.Cum);
            Cell(body, Measurement.Percentage(r.Cum, top.Total), r.Cum);
            body.Append("<td class=\"name\" title=\"").Append(Enc(r.Name)).Append("\">").Append(Enc(r.Name));
            if (r.InlineLabel.Length != 0) body.Append(" <span class=\"inl\">").Append(Enc(r.InlineLabel)).Append("</span>");
            body.Append("</td></tr>");
        }
        body.Append("</tbody></table>");
        if (top.Items.Count == 0) body.Append("<p class=\"empty\">No samples match.</p>");
    }

    private static void Cell(StringBuilder b, string text, long sort) =>
        b.Append("<td class=\"num\" data-sort=\"").Append(sort.ToString(CultureInfo.InvariantCulture)).Append("\">").Append(Enc(text)).Append("</td>");

    private void GraphView(PprofConfig cfg, Run run, StringBuilder body, List<string> errors)
    {
        string dot = Encoding.UTF8.GetString(Report(new[] { "dot" }, cfg, run));
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

    private string FlameView(PprofConfig cfg, Run run, StringBuilder body, List<string> labels)
    {
        var (_, profile, ropt) = PprofDriver.GenerateRawReport(_profile, new[] { "flamegraph" }, cfg, run.Ui);
        var options = VisualCommands.FlameOptions(profile, ropt);
        labels.AddRange(options.Labels);
        var graph = FlameGraph.Build(profile, options);
        var ms = new MemoryStream();
        graph.WriteJson(ms);
        body.Append("<div class=\"fg-toolbar\"><label>Orientation <select id=\"fg-orientation\"><option value=\"flame\">Flame (root at the bottom)</option>")
            .Append("<option value=\"icicle\">Icicle (root at the top)</option></select></label> <button id=\"fg-reset\" type=\"button\">Reset zoom</button> <span id=\"fg-status\"></span></div>")
            .Append("<div id=\"flamegraph\"></div>");
        return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
    }

    private void PeekView(PprofConfig cfg, Run run, StringBuilder body, List<string> labels)
    {
        var (_, profile, ropt) = PprofDriver.GenerateRawReport(_profile, new[] { "peek", cfg.Focus.Length != 0 ? cfg.Focus : ".*" }, cfg, run.Ui);
        var peek = ReportGenerator.GetPeekItems(profile, ropt);
        labels.AddRange(peek.Labels);
        var table = new StringWriter { NewLine = "\n" };
        ReportGenerator.WritePeekTable(table, peek);
        ReportText(body, table.ToString());
    }

    private static void ReportText(StringBuilder body, string text) =>
        body.Append("<pre id=\"report\" class=\"report\">").Append(Enc(text)).Append("</pre>");

    private void SourceView(PprofConfig cfg, Run run, StringBuilder body)
    {
        string rx = cfg.Focus;
        if (rx.Length == 0)
        {
            body.Append("<p class=\"hint\">Choose functions to list: select rows in Top or frames in the Flame Graph and use <b>Refine \u25b8 Focus</b>, or type a regexp in the box and use <b>Refine \u25b8 Focus</b>.</p>");
            // Show the source of the function with the largest flat value, to start with.
            var topCfg = cfg.Clone();
            topCfg.NodeCount = 1;
            var top = TopItems(topCfg, run);
            if (top.Items.Count == 0) return;
            rx = "^" + GoRegex.QuoteMeta(top.Items[0].Name) + "$";
        }
        ReportText(body, Encoding.UTF8.GetString(Report(new[] { "list", rx }, cfg, run)));
    }

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}
