namespace Pprof.Runtime.Internal;

/// <summary>Keywords of the Microsoft-Windows-DotNETRuntime provider that the collectors use.</summary>
internal static class RuntimeKeyword
{
    public const long GC = 0x1;
    public const long Loader = 0x8;
    public const long Jit = 0x10;
    public const long NGen = 0x20;
    public const long Exception = 0x8000;
    public const long Contention = 0x4000;
    public const long Threading = 0x10000;
    public const long JittedMethodILToNativeMap = 0x20000;
    public const long WaitHandle = 0x40000000000;
    public const long GCHeapSurvivalAndMovement = 0x400000;
    public const long AllocationSampling = 0x80000000000;

    /// <summary>What every session needs to name methods.</summary>
    public const long MethodNames = Loader | Jit | NGen | JittedMethodILToNativeMap;
}
