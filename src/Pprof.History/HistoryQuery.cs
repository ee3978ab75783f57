namespace Pprof.History;

/// <summary>Selects profiles (or stats) of a <see cref="ProfileStore"/> by service, type, time and labels.</summary>
public sealed record HistoryQuery
{
    private static readonly IReadOnlyDictionary<string, string> s_noLabels = new Dictionary<string, string>();

    /// <summary>The service name; null matches every service.</summary>
    public string? Service { get; init; }

    /// <summary>The profile type (<c>cpu</c>, <c>allocs</c>, <c>mutex</c>, <c>block</c>, <c>exceptions</c>,
    /// <c>goroutine</c>, …); null matches every type.</summary>
    public string? Type { get; init; }

    /// <summary>Start of the time range (UTC, inclusive): profiles whose start is at or after it match.</summary>
    public DateTime From { get; init; }

    /// <summary>End of the time range (UTC, exclusive): profiles whose start is before it match.</summary>
    public DateTime To { get; init; }

    /// <summary>Series labels that must all match (key = value).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = s_noLabels;
}
