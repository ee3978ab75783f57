namespace Pprof.Cli.Web;

/// <summary>What a view computed: its HTML body, the label lines above it, error lines, and the flame graph's JSON
/// (null for the other views).</summary>
internal sealed record ViewContent(string Body, List<string> Labels, List<string> Errors, string? FlameJson);
