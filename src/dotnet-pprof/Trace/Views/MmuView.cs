using System.Globalization;
using System.Text;
using System.Text.Json;
using Pprof.Cli.Trace.Web;
using Pprof.Traces.Analysis;

namespace Pprof.Cli.Trace.Views;

/// <summary><c>/mmu</c>: the minimum mutator utilization curve (<see cref="MmuCurve"/>) as an inline SVG chart, window
/// size on a log scale, with a table of points; <c>/mmu/data</c> is the curve as JSON.</summary>
internal sealed class MmuView : ITraceView
{
    private const int Width = 720, Height = 320, Left = 56, Right = 16, Top = 14, Bottom = 40;

    public string Path => "/mmu";

    public string Title => "Minimum mutator utilization";

    public TraceViewResult Render(TraceViewContext context)
    {
        var trace = context.Trace;
        int perDecade = context.GetInt("points", 20, 1, 100);
        var curve = MmuCurve.Compute(trace, perDecade);
        if (context.Path == Path + "/data") return TraceViewResult.Json(Json(curve));
        if (context.Path != Path) return TraceViewResult.NotFound("404 page not found");
        var inv = CultureInfo.InvariantCulture;
        var pauses = MmuCurve.Pauses(trace);
        var sb = new StringBuilder(ViewHtml.Style);
        sb.Append("<h1>Minimum mutator utilization</h1>\n<p class=\"note\">For each window size, the smallest share of any window of that size in which ")
          .Append("the application's threads ran, i.e. were not stopped for a GC (suspension to restart). A curve that reaches 100% only at long windows ")
          .Append("means pauses take a large share of short intervals.</p>\n<p class=\"facts\">")
          .Append(ViewHtml.Enc(string.Create(inv, $"{pauses.Count} GC pauses, longest {ViewHtml.Dur(pauses.Count > 0 ? pauses.Max(p => p.EndNanos - p.StartNanos) : 0)}, total {ViewHtml.Dur(pauses.Sum(p => p.EndNanos - p.StartNanos))} in {ViewHtml.Dur(trace.DurationNanos)}.")))
          .Append("</p>\n");
        if (curve.Count == 0)
        {
            sb.Append("<p>The trace is empty.</p>\n");
            return TraceViewResult.Page(sb.ToString());
        }
        Chart(sb, curve);
        sb.Append("<table class=\"data\" id=\"mmu-table\">\n<tr><th>Window</th><th>MMU</th><th>Worst window starts at</th></tr>\n");
        int step = Math.Max(1, perDecade / 3);
        for (int i = 0; i < curve.Count; i++)
        {
            if (i % step != 0 && i != curve.Count - 1) continue;
            var p = curve[i];
            sb.Append("<tr><td>").Append(ViewHtml.Dur(p.WindowNanos)).Append("</td><td>").Append((p.Utilization * 100).ToString("0.0", inv)).Append("%</td><td>")
              .Append(ViewHtml.Dur(p.WorstWindowStartNanos)).Append("</td></tr>\n");
        }
        sb.Append("</table>\n");
        return TraceViewResult.Page(sb.ToString());
    }

    private static void Chart(StringBuilder sb, IReadOnlyList<MmuPoint> curve)
    {
        var inv = CultureInfo.InvariantCulture;
        double lo = Math.Log10(curve[0].WindowNanos), hi = Math.Log10(curve[^1].WindowNanos);
        if (hi - lo < 1e-9) hi = lo + 1;
        int plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double X(long window) => Left + (Math.Log10(window) - lo) / (hi - lo) * plotW;
        double Y(double u) => Top + (1 - u) * plotH;
        sb.Append("<svg class=\"chart\" id=\"mmu-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(Width).Append("\" height=\"").Append(Height)
          .Append("\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(Height).Append("\" role=\"img\" aria-label=\"MMU curve\">\n");
        sb.Append("<rect x=\"").Append(Left).Append("\" y=\"").Append(Top).Append("\" width=\"").Append(plotW).Append("\" height=\"").Append(plotH).Append("\" fill=\"#fafbfc\" stroke=\"#d0d4da\"/>\n");
        foreach (double u in new[] { 0, 0.25, 0.5, 0.75, 1 })
        {
            string y = Y(u).ToString("0.#", inv);
            sb.Append("<line x1=\"").Append(Left).Append("\" x2=\"").Append(Left + plotW).Append("\" y1=\"").Append(y).Append("\" y2=\"").Append(y).Append("\" stroke=\"#e4e6ea\"/>")
              .Append("<text x=\"").Append(Left - 6).Append("\" y=\"").Append(y).Append("\" text-anchor=\"end\" dominant-baseline=\"middle\">").Append((u * 100).ToString("0", inv)).Append("%</text>\n");
        }
        for (long w = 1_000_000; w <= curve[^1].WindowNanos; w *= 10)
        {
            if (w < curve[0].WindowNanos) continue;
            string x = X(w).ToString("0.#", inv);
            sb.Append("<line x1=\"").Append(x).Append("\" x2=\"").Append(x).Append("\" y1=\"").Append(Top).Append("\" y2=\"").Append(Top + plotH).Append("\" stroke=\"#e4e6ea\"/>")
              .Append("<text x=\"").Append(x).Append("\" y=\"").Append(Top + plotH + 14).Append("\" text-anchor=\"middle\">").Append(ViewHtml.Enc(ViewHtml.Dur(w))).Append("</text>\n");
        }
        sb.Append("<text x=\"").Append(Left + plotW / 2).Append("\" y=\"").Append(Height - 6).Append("\" text-anchor=\"middle\">window size</text>\n");
        sb.Append("<polyline fill=\"none\" stroke=\"#1e88e5\" stroke-width=\"2\" points=\"");
        foreach (var p in curve) sb.Append(X(p.WindowNanos).ToString("0.##", inv)).Append(',').Append(Y(p.Utilization).ToString("0.##", inv)).Append(' ');
        sb.Append("\"/>\n");
        foreach (var p in curve)
        {
            sb.Append("<circle cx=\"").Append(X(p.WindowNanos).ToString("0.##", inv)).Append("\" cy=\"").Append(Y(p.Utilization).ToString("0.##", inv))
              .Append("\" r=\"2.5\" fill=\"#1e88e5\"><title>").Append(ViewHtml.Enc(ViewHtml.Dur(p.WindowNanos) + ": " + (p.Utilization * 100).ToString("0.0", inv) + "%"))
              .Append("</title></circle>\n");
        }
        sb.Append("</svg>\n");
    }

    private static byte[] Json(IReadOnlyList<MmuPoint> curve)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartArray();
            foreach (var p in curve)
            {
                w.WriteStartObject();
                w.WriteNumber("windowNanos", p.WindowNanos);
                w.WriteNumber("utilization", p.Utilization);
                w.WriteNumber("worstWindowStartNanos", p.WorstWindowStartNanos);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return ms.ToArray();
    }
}
