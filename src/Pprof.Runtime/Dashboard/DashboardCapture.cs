namespace Pprof.Runtime.Dashboard;

/// <summary>A button of the dashboard that downloads a profile of the watched process.</summary>
/// <param name="Kind">The profile kind (cpu, heap, allocs, goroutine, ...): the name of the downloaded file.</param>
/// <param name="Label">The button's text, e.g. "capture cpu 10 s".</param>
/// <param name="Url">Where the profile is downloaded from: a path on the dashboard's own server (relative URLs
/// resolve against the page, <c>/debug/statsviz/</c>).</param>
public sealed record DashboardCapture(string Kind, string Label, string Url);
