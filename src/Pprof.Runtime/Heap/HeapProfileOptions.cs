namespace Pprof.Runtime.Heap;

/// <summary>Settings of a heap snapshot.</summary>
public sealed class HeapProfileOptions
{
    /// <summary>Objects recorded individually (with a retention path); more are counted by type only, and the profile
    /// says so in its comments. Bounds the profiler's memory (about 60 bytes per object). Default 50 million.</summary>
    public int MaxObjects { get; set; } = 50_000_000;

    /// <summary>Longest retention path kept, in holder types; deeper paths keep their root side and the object's type
    /// with a <c>…</c> frame between. Default 64.</summary>
    public int MaxPathDepth { get; set; } = 64;

    /// <summary>Compute retained sizes (dominator tree) as the <c>retained_space</c> sample type. Default true.</summary>
    public bool RetainedSize { get; set; } = true;

    /// <summary>EventPipe buffer size in MB. The runtime writes the whole snapshot while the application (and an
    /// in-process reader) is paused, so the buffer must hold it: about 40 bytes per object. Default 1024.</summary>
    public int BufferMB { get; set; } = 1024;

    /// <summary>How long to wait for the snapshot. Default 5 minutes.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);
}
