namespace Pprof.Cli.Trace.Web;

/// <summary>The views of the trace web UI besides the timeline and the blocking profiles, in the order the index and
/// the header list them. Add a view here to serve it.</summary>
internal static class TraceViews
{
    /// <summary>Every registered view.</summary>
    public static IReadOnlyList<ITraceView> All { get; } = new ITraceView[]
    {
        new Views.GoroutinesView(),
        new Views.RegionsView(),
        new Views.MmuView(),
        new Views.GcView(),
    };
}
