namespace Pprof.History.Internal;

/// <summary>A stored label set: a sample's string labels, numeric labels and their units.</summary>
internal sealed record DecodedLabels(Dictionary<string, string[]>? Labels, Dictionary<string, long[]>? NumLabels,
    Dictionary<string, string[]>? NumUnits);
