using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Pprof.Traces;
using Pprof.Traces.Analysis;

namespace Pprof.Cli.Trace.Views;

/// <summary>Shared pieces of the analysis views: encoding, durations, the breakdown bar, and the analyses cached per trace
/// (a trace never changes while it is served).</summary>
internal static class ViewHtml
{
    private static readonly ConditionalWeakTable<NetTrace, IReadOnlyList<GoroutineGroup>> s_goroutines = new();
    private static readonly ConditionalWeakTable<NetTrace, IReadOnlyList<SpanSummary>> s_spans = new();

    /// <summary>The breakdown columns: name, color (the timeline's where it has one), value.</summary>
    public static readonly (string Name, string Color, Func<GoroutineTimes, long> Value)[] Columns =
    {
        ("execution", "#43a047", t => t.ExecutionNanos),
        ("lock wait", "#e53935", t => t.LockWaitNanos),
        ("wait handle", "#fb8c00", t => t.WaitHandleNanos),
        ("net", "#8e24aa", t => t.NetNanos),
        ("syscall", "#795548", t => t.SyscallNanos),
        ("sleep", "#90a4ae", t => t.SleepNanos),
        ("sched", "#fdd835", t => t.SchedNanos),
        ("GC pause", "#ffb300", t => t.GcPauseNanos),
    };

    /// <summary>Styles of the analysis views (the layout's stylesheet has the tables).</summary>
    public const string Style = """
        <style>
        .bar { display: inline-flex; width: 240px; height: 12px; background: #f0f0f0; vertical-align: middle; }
        .bar i { display: block; height: 100%; }
        .legend-box { display: inline-block; width: 11px; height: 11px; margin: 0 3px 0 10px; vertical-align: -1px; }
        .hist td.count { text-align: right; }
        .hist .hbar { display: inline-block; height: 11px; background: #00897b; vertical-align: middle; }
        .note { color: #666; }
        table.data td.name { max-width: 640px; overflow-wrap: anywhere; }
        svg.chart text { font: 11px system-ui, sans-serif; fill: #444; }
        </style>

        """;

    public static IReadOnlyList<GoroutineGroup> Goroutines(NetTrace trace) => s_goroutines.GetValue(trace, t => GoroutineAnalysis.Analyze(t));

    public static IReadOnlyList<SpanSummary> Spans(NetTrace trace) => s_spans.GetValue(trace, t => SpanStatistics.Summarize(t));

    public static string Enc(string s) => WebUtility.HtmlEncode(s);

    public static string Url(string s) => Uri.EscapeDataString(s);

    public static string Dur(long nanos) => TraceAnalysisText.Dur(nanos);

    public static string Bytes(long bytes) => TraceAnalysisText.Bytes(bytes);

    /// <summary>The legend of <see cref="Columns"/>.</summary>
    public static void Legend(StringBuilder sb)
    {
        sb.Append("<p class=\"note\">");
        foreach (var (name, color, _) in Columns) sb.Append("<i class=\"legend-box\" style=\"background:").Append(color).Append("\"></i>").Append(Enc(name));
        sb.Append("</p>\n");
    }

    /// <summary>A bar of <paramref name="t"/>'s breakdown, each column's share of <paramref name="scale"/>.</summary>
    public static void Bar(StringBuilder sb, GoroutineTimes t, long scale)
    {
        sb.Append("<span class=\"bar\">");
        if (scale > 0)
        {
            foreach (var (name, color, value) in Columns)
            {
                double pct = Math.Min(100.0, 100.0 * value(t) / scale);
                if (pct < 0.05) continue;
                sb.Append("<i style=\"width:").Append(pct.ToString("0.##", CultureInfo.InvariantCulture)).Append("%;background:").Append(color)
                  .Append("\" title=\"").Append(Enc(name)).Append(' ').Append(Dur(value(t))).Append("\"></i>");
            }
        }
        sb.Append("</span>");
    }
}
