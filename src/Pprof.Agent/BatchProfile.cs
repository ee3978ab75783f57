using Pprof.Profiles;

namespace Pprof.Agent;

/// <summary>One delta profile of a <see cref="ProfileBatch"/>.</summary>
/// <param name="Type">The profile kind: <c>cpu</c>, <c>allocs</c>, <c>mutex</c>, <c>block</c>, <c>exceptions</c>,
/// <c>goroutine</c>…</param>
/// <param name="Profile">The profile; sample labels set with <c>Profiler.Labels</c> are kept.</param>
public sealed record BatchProfile(string Type, Profile Profile);
