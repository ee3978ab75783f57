namespace Pprof.Cli.Trace.Web;

/// <summary>A view of the trace web UI (<c>dotnet-pprof trace FILE</c>): a page linked from the index and the header,
/// served at <see cref="Path"/> and below it. Views are listed in <see cref="TraceViews.All"/>.</summary>
internal interface ITraceView
{
    /// <summary>Where the view is served, e.g. <c>/goroutines</c>: the server routes GET <c>Path</c> and
    /// <c>Path + "/..."</c> to <see cref="Render"/>.</summary>
    string Path { get; }

    /// <summary>The link text in the index and the header.</summary>
    string Title { get; }

    /// <summary>Answers one request: a page body (the server wraps it in the shared layout), JSON, or an error.
    /// Called concurrently from several requests; the trace never changes.</summary>
    TraceViewResult Render(TraceViewContext context);
}
