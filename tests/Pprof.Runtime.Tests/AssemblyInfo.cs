// The profilers' truth tests measure timing and contention of real workloads in this process: running test classes
// side by side (heap snapshots pause the process; CPU-bound workloads compete for 2 cores) makes them flaky.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
