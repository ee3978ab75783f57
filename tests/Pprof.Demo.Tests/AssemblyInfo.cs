// The end-to-end run and the soak measure time, memory and threads: they must not share the machine with each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
