// Profiling tests run real EventPipe sessions on this process and on test targets: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
