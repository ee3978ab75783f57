namespace Pprof.Runtime.Internal;

/// <summary>The heap profile is on by default, like Go's <c>runtime.MemProfileRate</c>: it is switched on in the
/// background when <see cref="Profiler"/> is first used (starting a session takes a moment and must not fail the
/// caller), unless the application switched it itself first, or switched it off by configuration
/// (<c>PPROF_HEAP_PROFILING=0</c>, or the <c>Pprof.Runtime.HeapProfiling</c> AppContext switch set to false).</summary>
internal static class HeapProfilingDefault
{
    /// <summary>The AppContext switch (runtimeconfig.json's configProperties, or
    /// <c>&lt;RuntimeHostConfigurationOption&gt;</c>) that switches the default off when false.</summary>
    public const string Switch = "Pprof.Runtime.HeapProfiling";

    /// <summary>The environment variable that switches the default off when 0 or false.</summary>
    public const string Variable = "PPROF_HEAP_PROFILING";

    private static readonly object s_lock = new();
    private static bool s_chosen;

    /// <summary>Why the default could not be applied, or null.</summary>
    public static string? Failure { get; private set; }

    /// <summary>Whether configuration leaves the default on.</summary>
    public static bool DefaultOn
    {
        get
        {
            if (AppContext.TryGetSwitch(Switch, out bool on) && !on) return false;
            string? v = Environment.GetEnvironmentVariable(Variable);
            return v is not ("0" or "false" or "False" or "FALSE");
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
