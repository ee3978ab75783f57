namespace Pprof.AspNetCore.Tests;

/// <summary>Tests that run alone, after the parallel ones: those that measure the process's allocations
/// (<c>GC.GetTotalAllocatedBytes</c> counts every thread, so another class's requests would be counted as theirs), and
/// those whose in-process EventPipe sessions must end on time (with other classes' sessions running beside them, a
/// loaded runtime took more than 5 s to end a wall session, and its profile lost its samples).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "runs alone";
}
