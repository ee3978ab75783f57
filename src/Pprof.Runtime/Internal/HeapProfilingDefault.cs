namespace Pprof.Runtime.Internal;

/// <summary>The heap profile is off by default in-process (unlike Go's <c>runtime.MemProfileRate</c>): following the
/// sampled objects needs the GC keyword, whose events cost the allocating threads about 50 % of a core per GB/s
/// allocated (docs/heap.md). Configuration switches it on from the start (<c>PPROF_HEAP_PROFILING=1</c>, or the
/// <c>Pprof.Runtime.HeapProfiling</c> AppContext switch set to true; an explicit 0 or false in either keeps it off): it
/// is then switched on in the background when
/// <see cref="Profiler"/> is first used (starting a session takes a moment and must not fail the caller), unless the
/// application switched it itself first.</summary>
internal static class HeapProfilingDefault
{
    /// <summary>The AppContext switch (runtimeconfig.json's configProperties, or
    /// <c>&lt;RuntimeHostConfigurationOption&gt;</c>) that switches the profile on from the start when true.</summary>
    public const string Switch = "Pprof.Runtime.HeapProfiling";

    /// <summary>The environment variable that switches the profile on from the start when 1 or true.</summary>
    public const string Variable = "PPROF_HEAP_PROFILING";

    private static readonly object s_lock = new();
    private static bool s_chosen;

    /// <summary>Why the default could not be applied, or null.</summary>
    public static string? Failure { get; private set; }

    /// <summary>Whether configuration switches the profile on from the start: one of the two says on and neither says
    /// off (an explicit off wins).</summary>
    public static bool DefaultOn
    {
        get
        {
            bool hasSwitch = AppContext.TryGetSwitch(Switch, out bool switchOn);
            string? v = Environment.GetEnvironmentVariable(Variable);
            bool variableOn = v is "1" or "true" or "True" or "TRUE";
            bool variableOff = v is "0" or "false" or "False" or "FALSE";
            if ((hasSwitch && !switchOn) || variableOff) return false;
            return variableOn || (hasSwitch && switchOn);
        }
    }

    public static void Start()
    {
        if (!DefaultOn) return;
        _ = Task.Run(() =>
        {
            lock (s_lock)
            {
                if (s_chosen) return;
                s_chosen = true;
                try
                {
                    BackgroundProfiling.Set(ProfileKind.Heap, true);
                }
                catch (Exception e) when (e is ProfilerException or IOException or UnauthorizedAccessException or InvalidOperationException or TimeoutException)
                {
                    Failure = e.Message;
                }
            }
        });
    }

    /// <summary>Runs the application's own choice of background profiles (which may include the heap profile): the
    /// default no longer applies.</summary>
    public static void Choose(Action apply)
    {
        lock (s_lock)
        {
            s_chosen = true;
            apply();
        }
    }

    /// <summary>The application's own choice, which the default never overrides.</summary>
    public static void Set(bool enabled)
    {
        lock (s_lock)
        {
            s_chosen = true;
            BackgroundProfiling.Set(ProfileKind.Heap, enabled);
        }
    }
}
