namespace Pprof.Runtime;

/// <summary>How far a collection has come, reported about four times a second while it runs.</summary>
/// <param name="Elapsed">Time since the collection started.</param>
/// <param name="Duration">The planned duration; null when the collection runs until the process exits or is stopped.</param>
/// <param name="Events">Runtime events received so far; null for kinds that take a snapshot rather than read events.</param>
public readonly record struct CollectionProgress(TimeSpan Elapsed, TimeSpan? Duration, long? Events);
