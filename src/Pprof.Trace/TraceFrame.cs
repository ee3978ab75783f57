namespace Pprof.Traces;

/// <summary>One frame of a stack in a trace: the function's name (module-qualified when the trace could not name it)
/// and its code address.</summary>
/// <param name="Function">The function, e.g. <c>MyApp.Worker.Run</c>; <c>module!0x…</c> or <c>?!0x…</c> when unnamed.</param>
/// <param name="Module">The module (assembly or native library) file name; empty when unknown.</param>
/// <param name="Address">The code address.</param>
public sealed record TraceFrame(string Function, string Module, ulong Address);
