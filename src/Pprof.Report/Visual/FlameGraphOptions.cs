namespace Pprof.Report.Visual;

/// <summary>How to build and label a flame graph.</summary>
public sealed class FlameGraphOptions
{
    /// <summary>Extracts the reported value from a sample's values (the selected sample type).</summary>
    public Func<long[], long> SampleValue { get; init; } = v => v.Length == 0 ? 0 : v[^1];

    /// <summary>Frames narrower than this fraction of the whole graph are left out. A frame at 0.01% is 0.1 pixel wide
    /// before zooming, and 10 pixels wide after zooming into a frame at 1%.</summary>
    public double MinFraction { get; init; } = 0.0001;

    /// <summary>The page title.</summary>
    public string Title { get; init; } = "";

    /// <summary>The name of the sample type (<c>cpu</c>, <c>alloc_space</c>).</summary>
    public string SampleType { get; init; } = "";

    /// <summary>The unit of the values (<c>nanoseconds</c>, <c>bytes</c>, <c>count</c>).</summary>
    public string Unit { get; init; } = "";

    /// <summary>Header lines shown above the graph (file, type, time, active filters).</summary>
    public IReadOnlyList<string> Labels { get; init; } = Array.Empty<string>();

    /// <summary>The deepest frame drawn: deeper stacks are cut there (their deeper frames count as the cut frame's own,
    /// and the graph says so), so that stacks of any depth give a graph a browser can draw.</summary>
    public int MaxDepth { get; init; } = 1000;
}
