using System.Text.Json.Serialization;

namespace Pprof.History.Internal;

/// <summary>Source-generated JSON for the store's label and stats columns.</summary>
[JsonSerializable(typeof(SortedDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(SortedDictionary<string, double>))]
[JsonSerializable(typeof(Dictionary<string, double>))]
internal sealed partial class HistoryJsonContext : JsonSerializerContext
{
}
