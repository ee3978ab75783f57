namespace Pprof.History;

/// <summary>What a <see cref="ProfileStore"/> holds for one service and profile type.</summary>
/// <param name="Service">The service name.</param>
/// <param name="Type">The profile type, or <c>stats</c> for the runtime stats points.</param>
/// <param name="Labels">Each series label key with its values (sorted).</param>
/// <param name="First">Start of the earliest profile (UTC).</param>
/// <param name="Last">End of the latest profile (UTC).</param>
/// <param name="Profiles">How many profiles (or stats points) are stored; downsampled ones count once.</param>
public sealed record SeriesInfo(string Service, string Type, IReadOnlyDictionary<string, IReadOnlyList<string>> Labels,
    DateTime First, DateTime Last, long Profiles);
