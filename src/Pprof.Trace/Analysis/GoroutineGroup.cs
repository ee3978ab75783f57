namespace Pprof.Traces.Analysis;

/// <summary>The goroutines that run the same code: the threads started with the same start routine, or the thread-pool
/// work of the same async method or callback.</summary>
/// <param name="Name">The start routine (<c>MyApp.Worker.Run</c>) or the async method (<c>MyApp.Api.GetAsync</c>,
/// from its state machine's MoveNext) or callback the thread pool ran.</param>
/// <param name="ThreadPool">True for thread-pool work (an async method, a callback, or the idle workers themselves).</param>
/// <param name="Times">The sum over the instances.</param>
/// <param name="Instances">Its instances, most execution first.</param>
public sealed record GoroutineGroup(string Name, bool ThreadPool, GoroutineTimes Times, IReadOnlyList<GoroutineInstance> Instances)
{
    /// <summary>How many instances.</summary>
    public int Count => Instances.Count;
}
