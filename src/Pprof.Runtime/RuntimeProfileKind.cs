namespace Pprof.Runtime;

/// <summary>A kind of runtime profile that <see cref="RuntimeProfiles"/> collects (see <see cref="RuntimeProfiles.Kinds"/>).</summary>
/// <param name="Name">The name used on the command line, in <c>/debug/pprof/NAME</c> and by <see cref="Profiler.Lookup"/>.</param>
/// <param name="Description">One line for help output.</param>
/// <param name="IsSnapshot">True when the profile is one snapshot of the process's state (heap, goroutine) rather than
/// events gathered over a duration.</param>
public sealed record RuntimeProfileKind(string Name, string Description, bool IsSnapshot);
