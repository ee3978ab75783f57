using System.Collections.Concurrent;

namespace Pprof.Cli.Web;

/// <summary>The web UI's own script and styles, embedded in the tool (no CDN: the UI works offline).</summary>
internal static class WebAssets
{
    private static readonly ConcurrentDictionary<string, string> s_cache = new(StringComparer.Ordinal);

    /// <summary>The text of embedded asset <paramref name="name"/> (<c>ui.js</c>, <c>ui.css</c>).</summary>
    public static string Text(string name) => s_cache.GetOrAdd(name, static n =>
    {
        using var s = typeof(WebAssets).Assembly.GetManifestResourceStream("Pprof.Cli.Web.Assets." + n)
            ?? throw new FileNotFoundException("missing embedded asset " + n);
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    });
}
