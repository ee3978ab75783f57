namespace Pprof.AspNetCore.Tests;

/// <summary>Tests that measure the process's allocations (<c>GC.GetTotalAllocatedBytes</c> counts every thread) run
/// alone, after the parallel ones: another class's requests in the same window would be counted as theirs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasuringCollection
{
    public const string Name = "allocation measuring";
}
