using System.Globalization;
using System.Text;
using System.Text.Json;
using Pprof.Cli.Trace.Web;

namespace Pprof.Cli.Trace.Views;

/// <summary><c>/gc</c>: every GC of the trace with its generation, reason, type, start, spacing, duration, pause and
/// heap size before and after; <c>/gc/data</c> is the same as JSON.</summary>
internal sealed class GcView : ITraceView
{
    public string Path => "/gc";

    public string Title => "GC list";

    public TraceViewResult Render(TraceViewContext context)
    {
        var gcs = context.Trace.Gcs;
        if (context.Path == Path + "/data") return TraceViewResult.Json(Json(context));
        if (context.Path != Path) return TraceViewResult.NotFound("404 page not found");
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder(ViewHtml.Style);
        sb.Append("<h1>GC list</h1>\n<p class=\"facts\">").Append(ViewHtml.Enc(string.Create(inv,
            $"{gcs.Count} GCs (gen0 {gcs.Count(g => g.Generation == 0)}, gen1 {gcs.Count(g => g.Generation == 1)}, gen2 {gcs.Count(g => g.Generation == 2)}), pauses total {ViewHtml.Dur(gcs.Sum(g => g.PauseNanos))}, longest {ViewHtml.Dur(gcs.Count > 0 ? gcs.Max(g => g.PauseNanos) : 0)}.")))
          .Append("</p>\n<p class=\"note\">Pause: the runtime's suspension for the GC to its restart (every managed thread stopped). Heap sizes: all generations, ")
          .Append("before (GCPerHeapHistory) and after (GCHeapStats). A background GC runs mostly beside the application; its pause is the short suspensions.</p>\n");
        sb.Append("<table class=\"data\" id=\"gc-list\">\n<tr><th>GC</th><th>Gen</th><th>Reason</th><th>Type</th><th>Start</th><th>Since last</th><th>Duration</th><th>Pause</th><th>Heap before</th><th>Heap after</th></tr>\n");
        long last = -1;
        foreach (var g in gcs)
        {
            sb.Append("<tr><td>#").Append(g.Number.ToString(inv)).Append("</td><td>").Append(g.Generation.ToString(inv)).Append("</td><td>").Append(ViewHtml.Enc(g.Reason))
              .Append("</td><td>").Append(ViewHtml.Enc(g.Type)).Append("</td><td>").Append(ViewHtml.Dur(g.StartNanos)).Append("</td><td>").Append(last >= 0 ? ViewHtml.Dur(g.StartNanos - last) : "")
              .Append("</td><td>").Append(ViewHtml.Dur(g.EndNanos - g.StartNanos)).Append("</td><td>").Append(g.PauseNanos > 0 ? ViewHtml.Dur(g.PauseNanos) : "")
              .Append("</td><td>").Append(ViewHtml.Bytes(g.HeapSizeBefore)).Append("</td><td>").Append(ViewHtml.Bytes(g.HeapSizeAfter)).Append("</td></tr>\n");
            last = g.StartNanos;
        }
        sb.Append("</table>\n");
        return TraceViewResult.Page(sb.ToString());
    }

    private static byte[] Json(TraceViewContext context)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartArray();
            foreach (var g in context.Trace.Gcs)
            {
                w.WriteStartObject();
                w.WriteNumber("number", g.Number);
                w.WriteNumber("generation", g.Generation);
                w.WriteString("reason", g.Reason);
                w.WriteString("type", g.Type);
                w.WriteNumber("startNanos", g.StartNanos);
                w.WriteNumber("endNanos", g.EndNanos);
                w.WriteNumber("pauseNanos", g.PauseNanos);
                w.WriteNumber("heapSizeBefore", g.HeapSizeBefore);
                w.WriteNumber("heapSizeAfter", g.HeapSizeAfter);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return ms.ToArray();
    }
}
