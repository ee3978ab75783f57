using System.Collections.Concurrent;

namespace Pprof.Runtime.Dashboard;

/// <summary>The live dashboard's page, script and styles (<c>index.html</c>, <c>dashboard.js</c>,
/// <c>dashboard.css</c>), embedded in this assembly: no CDN, the page works offline. Served by ASP.NET Core's
/// <c>MapStatsviz</c> and by <c>dotnet-pprof dashboard</c>; the page connects to the WebSocket <c>ws</c> beside it and
/// reads the messages of <see cref="DashboardProtocol"/>.</summary>
public static class DashboardAssets
{
    private static readonly ConcurrentDictionary<string, byte[]?> s_cache = new(StringComparer.Ordinal);

    /// <summary>The assets' names.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "index.html", "dashboard.js", "dashboard.css" };

    /// <summary>The bytes and content type of asset <paramref name="name"/>; false for any other name.</summary>
    public static bool TryGet(string name, out ReadOnlyMemory<byte> content, out string contentType)
    {
        content = default;
        contentType = "";
        if (!Names.Contains(name)) return false;
        var bytes = s_cache.GetOrAdd(name, static n =>
        {
            using var s = typeof(DashboardAssets).Assembly.GetManifestResourceStream("Pprof.Runtime.Dashboard.Assets." + n);
            if (s == null) return null;
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            return ms.ToArray();
        });
        if (bytes == null) return false;
        content = bytes;
        contentType = Path.GetExtension(name) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            _ => "text/css; charset=utf-8",
        };
        return true;
    }
}
