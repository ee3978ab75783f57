namespace Pprof.History;

/// <summary>One bucket of a <see cref="ProfileStore.Timeline"/>: the total of a profile type's default sample value
/// over the profiles that start in the bucket.</summary>
/// <param name="Type">The profile type.</param>
/// <param name="Time">Start of the bucket (UTC).</param>
/// <param name="Value">The total of the default sample value.</param>
/// <param name="Unit">The unit of the default sample value (e.g. <c>nanoseconds</c>, <c>bytes</c>, <c>count</c>).</param>
public sealed record TimelinePoint(string Type, DateTime Time, long Value, string Unit);
