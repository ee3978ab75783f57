namespace Pprof.Traces;

/// <summary>A thread seen in a trace.</summary>
/// <param name="Id">The operating-system thread id.</param>
/// <param name="Name">Its name (from the Pprof-Runtime-Trace provider, or the thread-pool role); empty when unknown.</param>
public sealed record TraceThread(int Id, string Name);
