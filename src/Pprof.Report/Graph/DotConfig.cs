namespace Pprof.Report;

/// <summary>Graph-wide settings for DOT output.</summary>
public sealed class DotConfig
{
    /// <summary>The graph's title; empty gives <c>unnamed</c>.</summary>
    public string Title { get; set; } = "";

    /// <summary>The URL the legend links to; empty for none.</summary>
    public string LegendURL { get; set; } = "";

    /// <summary>Legend lines; the first one also names the legend box. Empty for no legend.</summary>
    public List<string> Labels { get; set; } = new();

    /// <summary>Formats a value (flat, cum, edge weight) for display.</summary>
    public Func<long, string> FormatValue { get; set; } = static v => v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The total weight that percentages, colours and edge widths are relative to.</summary>
    public long Total { get; set; }
}
