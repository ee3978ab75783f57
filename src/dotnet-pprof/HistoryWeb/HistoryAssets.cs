using System.Collections.Concurrent;

namespace Pprof.Cli.HistoryWeb;

/// <summary>The history page's script and styles, embedded in the tool (no CDN: the UI works offline).</summary>
internal static class HistoryAssets
{
    private static readonly ConcurrentDictionary<string, string> s_cache = new(StringComparer.Ordinal);

    /// <summary>The text of embedded asset <paramref name="name"/> (<c>history.js</c>, <c>history.css</c>).</summary>
    public static string Text(string name) => s_cache.GetOrAdd(name, static n =>
    {
        using var s = typeof(HistoryAssets).Assembly.GetManifestResourceStream("Pprof.Cli.HistoryWeb.Assets." + n)
            ?? throw new FileNotFoundException("missing embedded asset " + n);
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    });
}
