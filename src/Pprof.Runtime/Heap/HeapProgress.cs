namespace Pprof.Runtime.Heap;

/// <summary>How far a heap snapshot has got, reported through <see cref="IProgress{T}"/> by
/// <see cref="HeapProfiler.Collect(int, HeapProfileOptions?, IProgress{HeapProgress}?, CancellationToken)"/>, a few
/// times per second at most.</summary>
/// <param name="Phase">What runs now: <c>snapshot</c> (the target streams its objects; <paramref name="Done"/> counts
/// the objects received), then the analysis here: <c>references</c> (references resolved to objects),
/// <c>paths</c> (objects given a retention path), <c>dominators</c> (objects through the dominator tree), and
/// <c>profile</c> (done: the profile is written).</param>
/// <param name="Done">Objects (or references) processed so far in this phase.</param>
/// <param name="Total">How many there are in this phase, or 0 while unknown (during <c>snapshot</c>).</param>
public readonly record struct HeapProgress(string Phase, long Done, long Total);
