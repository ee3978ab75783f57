using System.Collections.Concurrent;

namespace Pprof.Report.Visual;

/// <summary>The scripts and styles of the pictures, embedded in the assembly so that no page needs the network.</summary>
public static class VisualAssets
{
    private static readonly ConcurrentDictionary<string, string> s_cache = new(StringComparer.Ordinal);

    /// <summary>The text of embedded asset <paramref name="name"/> (for example <c>flamegraph.js</c>).</summary>
    public static string Text(string name) => s_cache.GetOrAdd(name, static n =>
    {
        using var s = typeof(VisualAssets).Assembly.GetManifestResourceStream("Pprof.Report.Visual." + n)
            ?? throw new FileNotFoundException("missing embedded asset " + n);
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    });
}
