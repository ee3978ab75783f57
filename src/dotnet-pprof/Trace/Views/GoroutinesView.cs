using System.Globalization;
using System.Text;
using System.Text.Json;
using Pprof.Cli.Trace.Web;
using Pprof.Traces.Analysis;

namespace Pprof.Cli.Trace.Views;

/// <summary><c>/goroutines</c>: go tool trace's goroutine analysis for .NET (<see cref="GoroutineAnalysis"/>): each
/// group (a thread start routine, or the async method or callback the thread pool ran) with its count and where its time
/// went; <c>/goroutines?name=NAME</c> drills down to its instances; <c>/goroutines/data</c> is the same as JSON.</summary>
internal sealed class GoroutinesView : ITraceView
{
    public string Path => "/goroutines";

    public string Title => "Goroutine analysis";

    public TraceViewResult Render(TraceViewContext context)
    {
        var groups = ViewHtml.Goroutines(context.Trace);
        if (context.Path == Path + "/data") return TraceViewResult.Json(Json(groups));
        if (context.Path != Path) return TraceViewResult.NotFound("404 page not found");
        string name = context.Get("name");
        if (name.Length > 0)
        {
            var g = groups.FirstOrDefault(x => x.Name == name);
            return g == null ? TraceViewResult.NotFound("no goroutine group " + name) : TraceViewResult.Page(Group(g), "Goroutines: " + g.Name);
        }
        var sb = new StringBuilder(ViewHtml.Style);
        sb.Append("<h1>Goroutine analysis</h1>\n<p class=\"note\">.NET has no goroutines: dedicated threads are grouped by their start routine, ")
          .Append("thread-pool work by the async method or callback the pool ran (marked <b>pool</b>; idle workers are <code>WorkerThreadStart</code>). ")
          .Append("Execution, sleep, net and syscall are sampled (the sampler sees every managed thread about once a millisecond); lock waits, wait handles and ")
          .Append("queueing (sched) are the runtime's events; GC pause is the part of the time the runtime stopped the threads. Columns may overlap.</p>\n");
        ViewHtml.Legend(sb);
        long scale = groups.Count > 0 ? groups.Max(g => Math.Max(g.Times.TotalNanos, g.Times.ExecutionNanos + g.Times.LockWaitNanos + g.Times.WaitHandleNanos)) : 0;
        sb.Append("<table class=\"data\" id=\"goroutine-groups\">\n<tr><th>Start routine / async method</th><th>Count</th><th>Total</th>");
        foreach (var c in ViewHtml.Columns) sb.Append("<th>").Append(ViewHtml.Enc(c.Name)).Append("</th>");
        sb.Append("<th>Breakdown</th></tr>\n");
        foreach (var g in groups)
        {
            sb.Append("<tr><td class=\"name\"><a href=\"").Append(Path).Append("?name=").Append(ViewHtml.Url(g.Name)).Append("\">").Append(ViewHtml.Enc(g.Name)).Append("</a>")
              .Append(g.ThreadPool ? " <b>pool</b>" : "").Append("</td><td>").Append(g.Count.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(ViewHtml.Dur(g.Times.TotalNanos)).Append("</td>");
            foreach (var c in ViewHtml.Columns) sb.Append("<td>").Append(ViewHtml.Dur(c.Value(g.Times))).Append("</td>");
            sb.Append("<td>");
            ViewHtml.Bar(sb, g.Times, scale);
            sb.Append("</td></tr>\n");
        }
        sb.Append("</table>\n");
        if (groups.Count == 0) sb.Append("<p>No samples or blocking events in the trace.</p>\n");
        return TraceViewResult.Page(sb.ToString());
    }

    private string Group(GoroutineGroup g)
    {
        var sb = new StringBuilder(ViewHtml.Style);
        sb.Append("<h1>").Append(ViewHtml.Enc(g.Name)).Append("</h1>\n<p><a href=\"").Append(Path).Append("\">all groups</a> &middot; ")
          .Append(g.Count.ToString(CultureInfo.InvariantCulture)).Append(g.ThreadPool ? " thread-pool threads ran it" : " threads").Append("</p>\n");
        ViewHtml.Legend(sb);
        long scale = g.Instances.Count > 0 ? g.Instances.Max(i => Math.Max(i.Times.TotalNanos, i.Times.ExecutionNanos + i.Times.LockWaitNanos + i.Times.WaitHandleNanos)) : 0;
        sb.Append("<table class=\"data\" id=\"goroutine-instances\">\n<tr><th>Thread</th><th>First seen</th><th>Last seen</th><th>Total</th>");
        foreach (var c in ViewHtml.Columns) sb.Append("<th>").Append(ViewHtml.Enc(c.Name)).Append("</th>");
        sb.Append("<th>Breakdown</th></tr>\n");
        foreach (var i in g.Instances)
        {
            sb.Append("<tr><td class=\"name\">").Append(ViewHtml.Enc(i.ThreadName)).Append(" (").Append(i.ThreadId.ToString(CultureInfo.InvariantCulture)).Append(")</td><td>")
              .Append(ViewHtml.Dur(i.StartNanos)).Append("</td><td>").Append(ViewHtml.Dur(i.EndNanos)).Append("</td><td>").Append(ViewHtml.Dur(i.Times.TotalNanos)).Append("</td>");
            foreach (var c in ViewHtml.Columns) sb.Append("<td>").Append(ViewHtml.Dur(c.Value(i.Times))).Append("</td>");
            sb.Append("<td>");
            ViewHtml.Bar(sb, i.Times, scale);
            sb.Append("</td></tr>\n");
        }
        sb.Append("</table>\n");
        return sb.ToString();
    }

    private static byte[] Json(IReadOnlyList<GoroutineGroup> groups)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartArray();
            foreach (var g in groups)
            {
                w.WriteStartObject();
                w.WriteString("name", g.Name);
                w.WriteBoolean("threadPool", g.ThreadPool);
                w.WriteNumber("count", g.Count);
                Times(w, g.Times);
                w.WriteStartArray("instances");
                foreach (var i in g.Instances)
                {
                    w.WriteStartObject();
                    w.WriteNumber("threadId", i.ThreadId);
                    w.WriteString("threadName", i.ThreadName);
                    w.WriteNumber("startNanos", i.StartNanos);
                    w.WriteNumber("endNanos", i.EndNanos);
                    Times(w, i.Times);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return ms.ToArray();
    }

    private static void Times(Utf8JsonWriter w, GoroutineTimes t)
    {
        w.WriteNumber("totalNanos", t.TotalNanos);
        w.WriteNumber("executionNanos", t.ExecutionNanos);
        w.WriteNumber("lockWaitNanos", t.LockWaitNanos);
        w.WriteNumber("waitHandleNanos", t.WaitHandleNanos);
        w.WriteNumber("netNanos", t.NetNanos);
        w.WriteNumber("syscallNanos", t.SyscallNanos);
        w.WriteNumber("sleepNanos", t.SleepNanos);
        w.WriteNumber("schedNanos", t.SchedNanos);
        w.WriteNumber("gcPauseNanos", t.GcPauseNanos);
    }
}
