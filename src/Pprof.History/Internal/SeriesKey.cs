using System.Text.Json;

namespace Pprof.History.Internal;

/// <summary>The canonical text of a series' labels (a JSON object, keys sorted ordinally) and its inverse.</summary>
internal static class SeriesKey
{
    public static string Encode(IReadOnlyDictionary<string, string> labels)
    {
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in labels) sorted[kv.Key] = kv.Value;
        return JsonSerializer.Serialize(sorted, HistoryJsonContext.Default.SortedDictionaryStringString);
    }

    public static Dictionary<string, string> Decode(string json) =>
        JsonSerializer.Deserialize(json, HistoryJsonContext.Default.DictionaryStringString) ?? new Dictionary<string, string>();
}
