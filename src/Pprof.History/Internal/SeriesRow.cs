namespace Pprof.History.Internal;

/// <summary>A row of the series table, with the sample-label filter a query adds for keys the series does not have.</summary>
internal sealed record SeriesRow(long Id, string Service, string Type, Dictionary<string, string> Labels,
    List<KeyValuePair<string, string>>? SampleFilter);
