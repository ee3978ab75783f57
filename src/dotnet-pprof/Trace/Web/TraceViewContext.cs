using System.Globalization;
using Pprof.Traces;

namespace Pprof.Cli.Trace.Web;

/// <summary>What a <see cref="ITraceView"/> is asked to render: the trace, the request's path and its query
/// parameters. Parameters come from the client and are hostile: read them with <see cref="GetLong"/> and
/// <see cref="GetInt"/>, which bound them, and answer <see cref="TraceViewResult.BadRequest"/> (HTTP 400) when one
/// is malformed (they throw <see cref="TraceViewException"/>, which the server turns into a 400).</summary>
internal sealed class TraceViewContext
{
    /// <summary>The longest query parameter value passed to views; longer ones are refused with 400 by the server.</summary>
    public const int MaxParameterLength = 4096;

    public TraceViewContext(NetTrace trace, string path, IReadOnlyDictionary<string, string> query, string traceName)
    {
        Trace = trace;
        Path = path;
        Query = query;
        TraceName = traceName;
    }

    /// <summary>The trace being shown.</summary>
    public NetTrace Trace { get; }

    /// <summary>The request path, e.g. <c>/goroutines/Worker.Run</c>.</summary>
    public string Path { get; }

    /// <summary>The decoded query parameters (the first value of each; each at most <see cref="MaxParameterLength"/>
    /// characters).</summary>
    public IReadOnlyDictionary<string, string> Query { get; }

    /// <summary>The trace file's name, for titles.</summary>
    public string TraceName { get; }

    /// <summary>Query parameter <paramref name="name"/>, or "" when absent.</summary>
    public string Get(string name) => Query.TryGetValue(name, out var v) ? v : "";

    /// <summary>Query parameter <paramref name="name"/> as an integer in [<paramref name="min"/>, <paramref name="max"/>];
    /// <paramref name="fallback"/> when absent or empty. Throws <see cref="TraceViewException"/> when it is not an
    /// integer or out of range.</summary>
    public long GetLong(string name, long fallback, long min, long max)
    {
        string v = Get(name);
        if (v.Length == 0) return fallback;
        if (!long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
            throw new TraceViewException($"bad {name}={Shorten(v)}: want an integer");
        if (n < min || n > max)
            throw new TraceViewException(string.Create(CultureInfo.InvariantCulture, $"bad {name}={n}: want {min} to {max}"));
        return n;
    }

    /// <summary>As <see cref="GetLong"/>, for int.</summary>
    public int GetInt(string name, int fallback, int min, int max) => (int)GetLong(name, fallback, min, max);

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
