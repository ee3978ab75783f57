using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Pprof.Runtime;

namespace Pprof.AspNetCore.Internal;

/// <summary>The index page, laid out as Go's <c>/debug/pprof/</c>: a table of profiles with counts and <c>?debug=1</c>
/// links, the full goroutine dump link, and a description of every profile.</summary>
internal sealed class IndexPage
{
    private static readonly Dictionary<string, string> s_descriptions = new(StringComparer.Ordinal)
    {
        ["allocs"] = "A sampling of all past memory allocations (since allocation sampling was switched on). You can specify the seconds GET parameter to get the allocations of the next N seconds.",
        ["block"] = "Stack traces that led to blocking on synchronization primitives (Task.Wait, .Result, WaitHandle, Monitor.Wait, Sleep, Join)",
        ["cmdline"] = "The command line invocation of the current program",
        ["exceptions"] = "Stack traces that threw exceptions, with the exception type as a label",
        ["goroutine"] = "Stack traces of all current threads and pending async operations (the count is the number of threads)",
        ["heap"] = "A sampling of memory allocations of live objects, by allocation site (since heap profiling was switched on, at start-up by default). You can specify the gc GET parameter to run GC before taking the heap sample, and the seconds GET parameter for the change over the next N seconds.",
        ["retention"] = "Live objects after a full garbage collection, by retention path (the shortest path from a root that holds them), with retained sizes. The gc GET parameter is accepted (a full GC always runs).",
        ["mutex"] = "Stack traces of threads waiting on contended locks",
        ["profile"] = "CPU profile. You can specify the duration in the seconds GET parameter. After you get the profile file, use the dotnet-pprof or go tool pprof command to investigate the profile.",
        ["threadcreate"] = "Stack traces that led to the creation of new OS threads",
        ["trace"] = "A trace of runtime events of the current program (.nettrace). You can specify the duration in the seconds GET parameter. After you get the trace file, open it in PerfView or speedscope.",
        ["wall"] = "Wall-clock profile of every thread, on and off CPU. You can specify the duration in the seconds GET parameter.",
    };

    private readonly EndpointGuard _guard;

    public IndexPage(EndpointGuard guard) => _guard = guard;

    public Task Index(HttpContext context) => _guard.Serve(context, "index", async () =>
    {
        var request = context.Request;
        if (!request.Path.HasValue || !request.Path.Value!.EndsWith('/'))
        {
            // Relative links need the trailing slash, as Go's mux redirects /debug/pprof to /debug/pprof/.
            context.Response.Redirect(request.PathBase + request.Path + "/" + request.QueryString, permanent: true);
            return;
        }
        string html = Render(request.PathBase + request.Path);
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(html, context.RequestAborted);
    });

    /// <summary>The page; <paramref name="path"/> is the index's own path (the page's title, as in Go).</summary>
    public static string Render(string path)
    {
        var entries = new List<(string Name, string Count)>();
        foreach (var p in Profiler.Profiles()) entries.Add((p.Name, CountOf(p)));
        foreach (var name in new[] { "cmdline", "profile", "trace", "wall" }) entries.Add((name, "0"));
        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));

        string title = WebUtility.HtmlEncode(path);
        var b = new StringBuilder();
        b.Append("<html>\n<head>\n<title>").Append(title).Append("</title>\n<style>\n.profile-name{\n\tdisplay:inline-block;\n\twidth:6rem;\n}\n</style>\n</head>\n<body>\n");
        b.Append(title).Append("<br>\n<br>\nTypes of profiles available:\n<table>\n<thead><td>Count</td><td>Profile</td></thead>\n");
        foreach (var (name, count) in entries)
        {
            string link = Uri.EscapeDataString(name) + "?debug=1";
            b.Append("<tr><td>").Append(count).Append("</td><td><a href='").Append(link).Append("'>")
                .Append(WebUtility.HtmlEncode(name)).Append("</a></td></tr>\n");
        }
        b.Append("</table>\n<a href=\"goroutine?debug=2\">full goroutine stack dump</a>\n<br>\n<p>\nProfile Descriptions:\n<ul>\n");
        foreach (var (name, _) in entries)
        {
            string description = s_descriptions.GetValueOrDefault(name, "");
            b.Append("<li><div class=profile-name>").Append(WebUtility.HtmlEncode(name)).Append(": </div> ")
                .Append(WebUtility.HtmlEncode(description)).Append("</li>\n");
        }
        b.Append("</ul>\n</p>\n</body>\n</html>");
        return b.ToString();
    }

    /// <summary>The count column where it is cheap: samples of the always-on and custom profiles, threads for goroutine,
    /// empty for retention (a snapshot pauses the application) and heap (a snapshot waits for the last collection's events).</summary>
    private static string CountOf(NamedProfile profile)
    {
        switch (profile.Name)
        {
            case "retention":
            case "heap":
                return "";
            case "goroutine":
                using (var self = Process.GetCurrentProcess()) return self.Threads.Count.ToString(CultureInfo.InvariantCulture);
            default:
                try
                {
                    return profile.Build().Samples.Count.ToString(CultureInfo.InvariantCulture);
                }
                catch (ProfilerException)
                {
                    return "";
                }
        }
    }
}
