// Profiles are process-wide (one CPU profile at a time, sessions on this process): tests run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
