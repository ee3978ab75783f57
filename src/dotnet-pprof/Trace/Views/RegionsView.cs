using System.Globalization;
using System.Text;
using System.Text.Json;
using Pprof.Cli.Trace.Web;
using Pprof.Traces;
using Pprof.Traces.Analysis;

namespace Pprof.Cli.Trace.Views;

/// <summary><c>/regions</c>: user tasks and regions (and requests) per name (<see cref="SpanStatistics"/>): count,
/// percentiles and a small latency histogram; <c>/regions?kind=K&amp;name=N</c> the histogram of one name with its
/// instances (<c>&amp;min=NS&amp;max=NS</c>: those in one bucket); <c>/regions/data</c> all of it as JSON.</summary>
internal sealed class RegionsView : ITraceView
{
    /// <summary>At most this many instances are listed on a page or per name in the JSON.</summary>
    public const int MaxInstances = 1000;

    public string Path => "/regions";

    public string Title => "User tasks and regions";

    public TraceViewResult Render(TraceViewContext context)
    {
        var summaries = ViewHtml.Spans(context.Trace);
        if (context.Path == Path + "/data") return TraceViewResult.Json(Json(context, summaries));
        if (context.Path != Path) return TraceViewResult.NotFound("404 page not found");
        string kind = context.Get("kind"), name = context.Get("name");
        if (kind.Length > 0 || name.Length > 0)
        {
            var s = summaries.FirstOrDefault(x => x.Kind == kind && x.Name == name);
            if (s == null) return TraceViewResult.NotFound($"no {kind} named {name}");
            long min = context.GetLong("min", 0, 0, long.MaxValue), max = context.GetLong("max", long.MaxValue, 0, long.MaxValue);
            return TraceViewResult.Page(Detail(context, s, min, max), s.Kind + " " + s.Name);
        }
        var sb = new StringBuilder(ViewHtml.Style);
        sb.Append("<h1>User tasks and regions</h1>\n<p class=\"note\">From <code>ExecutionTrace.NewTask</code> and <code>ExecutionTrace.StartRegion</code> ")
          .Append("(Pprof.Runtime.Tracing), and requests (ASP.NET Core hosting, HttpClient). Durations of the spans that ended in the trace; histogram buckets ")
          .Append("are five per power of ten.</p>\n");
        if (summaries.Count == 0)
        {
            sb.Append("<p>No user tasks, regions or requests in the trace.</p>\n");
            return TraceViewResult.Page(sb.ToString());
        }
        sb.Append("<table class=\"data\" id=\"region-summary\">\n<tr><th>Kind</th><th>Name</th><th>Count</th><th>Unfinished</th><th>Total</th><th>Min</th><th>Median</th><th>p90</th><th>p99</th><th>Max</th><th>Histogram</th></tr>\n");
        foreach (var s in summaries)
        {
            sb.Append("<tr><td>").Append(ViewHtml.Enc(s.Kind)).Append("</td><td class=\"name\"><a href=\"").Append(Link(s)).Append("\">").Append(ViewHtml.Enc(s.Name)).Append("</a></td><td>")
              .Append(s.Count.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(s.Unfinished.ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
              .Append(ViewHtml.Dur(s.TotalNanos)).Append("</td><td>").Append(ViewHtml.Dur(s.MinNanos)).Append("</td><td>").Append(ViewHtml.Dur(s.MedianNanos)).Append("</td><td>")
              .Append(ViewHtml.Dur(s.P90Nanos)).Append("</td><td>").Append(ViewHtml.Dur(s.P99Nanos)).Append("</td><td>").Append(ViewHtml.Dur(s.MaxNanos)).Append("</td><td>");
            Sparkline(sb, s.Histogram.Buckets());
            sb.Append("</td></tr>\n");
        }
        sb.Append("</table>\n");
        return TraceViewResult.Page(sb.ToString());
    }

    private string Link(SpanSummary s) => Path + "?kind=" + ViewHtml.Url(s.Kind) + "&name=" + ViewHtml.Url(s.Name);

    /// <summary>A tiny SVG histogram for the summary table.</summary>
    private static void Sparkline(StringBuilder sb, IReadOnlyList<HistogramBucket> buckets)
    {
        if (buckets.Count == 0) return;
        int max = buckets.Max(b => b.Count);
        const int bw = 6, h = 16;
        sb.Append("<svg width=\"").Append(buckets.Count * bw).Append("\" height=\"").Append(h).Append("\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (int i = 0; i < buckets.Count; i++)
        {
            int bh = max > 0 ? (int)Math.Ceiling((double)h * buckets[i].Count / max) : 0;
            if (bh == 0) continue;
            sb.Append("<rect x=\"").Append(i * bw).Append("\" y=\"").Append(h - bh).Append("\" width=\"").Append(bw - 1).Append("\" height=\"").Append(bh).Append("\" fill=\"#00897b\"><title>")
              .Append(ViewHtml.Enc(ViewHtml.Dur(buckets[i].LowNanos) + "\u2013" + ViewHtml.Dur(buckets[i].HighNanos) + ": " + buckets[i].Count.ToString(CultureInfo.InvariantCulture)))
              .Append("</title></rect>");
        }
        sb.Append("</svg>");
    }

    private string Detail(TraceViewContext context, SpanSummary s, long min, long max)
    {
        var inv = CultureInfo.InvariantCulture;
        var trace = context.Trace;
        var sb = new StringBuilder(ViewHtml.Style);
        sb.Append("<h1>").Append(ViewHtml.Enc(s.Kind)).Append(' ').Append(ViewHtml.Enc(s.Name)).Append("</h1>\n<p><a href=\"").Append(Path).Append("\">all tasks and regions</a></p>\n<p class=\"facts\">")
          .Append(ViewHtml.Enc(string.Create(inv, $"{s.Count} ({s.Unfinished} unfinished), total {ViewHtml.Dur(s.TotalNanos)}, mean {ViewHtml.Dur(s.MeanNanos)}, min {ViewHtml.Dur(s.MinNanos)}, median {ViewHtml.Dur(s.MedianNanos)}, p90 {ViewHtml.Dur(s.P90Nanos)}, p99 {ViewHtml.Dur(s.P99Nanos)}, max {ViewHtml.Dur(s.MaxNanos)}.")))
          .Append("</p>\n<h2>Latency histogram</h2>\n<table class=\"data hist\" id=\"region-histogram\">\n<tr><th>Duration</th><th>Count</th><th></th></tr>\n");
        var buckets = s.Histogram.Buckets();
        int top = buckets.Count > 0 ? buckets.Max(b => b.Count) : 0;
        foreach (var b in buckets)
        {
            sb.Append("<tr><td><a href=\"").Append(Link(s)).Append("&min=").Append(b.LowNanos.ToString(inv)).Append("&max=").Append(b.HighNanos.ToString(inv)).Append("\">")
              .Append(ViewHtml.Dur(b.LowNanos)).Append(" \u2013 ").Append(ViewHtml.Dur(b.HighNanos)).Append("</a></td><td class=\"count\">").Append(b.Count.ToString(inv))
              .Append("</td><td><span class=\"hbar\" style=\"width:").Append(top > 0 ? (300 * b.Count / top).ToString(inv) : "0").Append("px\"></span></td></tr>\n");
        }
        sb.Append("</table>\n");
        bool filtered = min > 0 || max < long.MaxValue;
        var chosen = s.Instances.Where(i => !filtered || (i.EndNanos >= i.StartNanos && i.DurationNanos >= min && i.DurationNanos < max)).ToList();
        sb.Append("<h2>Instances</h2>\n<p class=\"note\">").Append(ViewHtml.Enc(string.Create(inv, $"{chosen.Count} instances")));
        if (filtered) sb.Append(ViewHtml.Enc(string.Create(inv, $" lasting {ViewHtml.Dur(min)} to {ViewHtml.Dur(max)}"))).Append(" (<a href=\"").Append(Link(s)).Append("\">all</a>)");
        if (chosen.Count > MaxInstances) sb.Append(ViewHtml.Enc(string.Create(inv, $"; the first {MaxInstances} are listed")));
        sb.Append(".</p>\n<table class=\"data\" id=\"region-instances\">\n<tr><th>Start</th><th>Duration</th><th>Thread</th><th>Ended on</th><th>").Append(s.Kind == "task" ? "Parent task" : "Task").Append("</th><th>Id</th></tr>\n");
        foreach (var i in chosen.Take(MaxInstances))
        {
            sb.Append("<tr><td>").Append(ViewHtml.Dur(i.StartNanos)).Append("</td><td>").Append(i.EndNanos >= i.StartNanos ? ViewHtml.Dur(i.DurationNanos) : "unfinished").Append("</td><td>")
              .Append(ViewHtml.Enc(trace.ThreadName(i.ThreadId))).Append("</td><td>").Append(i.EndNanos >= 0 && i.EndThreadId != i.ThreadId ? ViewHtml.Enc(trace.ThreadName(i.EndThreadId)) : "")
              .Append("</td><td>").Append(i.TaskId != 0 ? i.TaskId.ToString(inv) : "").Append("</td><td>").Append(i.Id != 0 ? i.Id.ToString(inv) : "").Append("</td></tr>\n");
        }
        sb.Append("</table>\n");
        return sb.ToString();
    }

    private static byte[] Json(TraceViewContext context, IReadOnlyList<SpanSummary> summaries)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartArray();
            foreach (var s in summaries)
            {
                w.WriteStartObject();
                w.WriteString("kind", s.Kind);
                w.WriteString("name", s.Name);
                w.WriteNumber("count", s.Count);
                w.WriteNumber("unfinished", s.Unfinished);
                w.WriteNumber("totalNanos", s.TotalNanos);
                w.WriteNumber("minNanos", s.MinNanos);
                w.WriteNumber("medianNanos", s.MedianNanos);
                w.WriteNumber("p90Nanos", s.P90Nanos);
                w.WriteNumber("p99Nanos", s.P99Nanos);
                w.WriteNumber("maxNanos", s.MaxNanos);
                w.WriteStartArray("histogram");
                foreach (var b in s.Histogram.Buckets())
                {
                    w.WriteStartObject();
                    w.WriteNumber("lowNanos", b.LowNanos);
                    w.WriteNumber("highNanos", b.HighNanos);
                    w.WriteNumber("count", b.Count);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("instances");
                foreach (TraceSpan i in s.Instances.Take(MaxInstances))
                {
                    w.WriteStartObject();
                    w.WriteNumber("id", i.Id);
                    w.WriteNumber("taskId", i.TaskId);
                    w.WriteNumber("threadId", i.ThreadId);
                    w.WriteString("threadName", context.Trace.ThreadName(i.ThreadId));
                    w.WriteNumber("startNanos", i.StartNanos);
                    w.WriteNumber("endNanos", i.EndNanos);
                    w.WriteNumber("durationNanos", i.DurationNanos);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteNumber("instancesOmitted", Math.Max(0, s.Instances.Count - MaxInstances));
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return ms.ToArray();
    }
}
