namespace Pprof.Runtime.Goroutine;

/// <summary>One frame of a goroutine's stack: the pprof function name, the raw runtime name, and a source position.</summary>
internal readonly record struct GoroutineFrame(string Name, string SystemName, string File, long StartLine, long Line);
