using Pprof.Profiles;

namespace Pprof.History;

/// <summary>One profile of a series, as written to a <see cref="ProfileStore"/>.</summary>
/// <param name="Service">The service name (e.g. the entry assembly's name).</param>
/// <param name="Type">The profile type: the collector kind's name (<c>cpu</c>, <c>allocs</c>, <c>mutex</c>,
/// <c>block</c>, <c>exceptions</c>, <c>goroutine</c>, …).</param>
/// <param name="Labels">The series labels (<c>host</c>, <c>pid</c>, <c>version</c>, user labels).</param>
/// <param name="Start">When the profile's period began (UTC).</param>
/// <param name="Duration">The profile's period.</param>
/// <param name="Profile">The (delta) profile.</param>
public sealed record StoredProfile(string Service, string Type, IReadOnlyDictionary<string, string> Labels,
    DateTime Start, TimeSpan Duration, Profile Profile);
