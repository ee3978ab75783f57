using System.Collections.Concurrent;

namespace Pprof.Cli.Trace.Web;

/// <summary>The trace UI's own script and styles, embedded in the tool (no CDN: the UI works offline).</summary>
internal static class TraceAssets
{
    private static readonly ConcurrentDictionary<string, string> s_cache = new(StringComparer.Ordinal);

    /// <summary>The text of embedded asset <paramref name="name"/> (<c>timeline.js</c>, <c>trace.css</c>).</summary>
    public static string Text(string name) => s_cache.GetOrAdd(name, static n =>
    {
        using var s = typeof(TraceAssets).Assembly.GetManifestResourceStream("Pprof.Cli.Trace.Web.Assets." + n)
            ?? throw new FileNotFoundException("missing embedded asset " + n);
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    });
}
