namespace Pprof.Demo;

/// <summary>How long each phase of the demo lasts, and which faults the shop runs with.</summary>
internal sealed record DemoSettings(
    TimeSpan WarmUp,
    int CpuSeconds,
    TimeSpan LoadBetweenHeaps,
    int WallSeconds,
    int LoadLoops,
    string Faults)
{
    /// <summary>The normal run, about a minute.</summary>
    public static DemoSettings Normal { get; } = new(TimeSpan.FromSeconds(4), 5, TimeSpan.FromSeconds(8), 3, 4, "all");

    /// <summary>The short run the tests use (<c>--quick</c> or <c>PPROF_DEMO_QUICK=1</c>).</summary>
    public static DemoSettings Quick { get; } = new(TimeSpan.FromSeconds(2), 2, TimeSpan.FromSeconds(4), 2, 3, "all");

    /// <summary>Reads <c>--quick</c>, <c>--faults LIST</c> and <c>--cpu-seconds N</c>; throws <see cref="DemoException"/> on
    /// anything else.</summary>
    public static DemoSettings Parse(string[] args)
    {
        var settings = Environment.GetEnvironmentVariable("PPROF_DEMO_QUICK") is "1" or "true" ? Quick : Normal;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    settings = Quick with { Faults = settings.Faults };
                    break;
                case "--faults" when i + 1 < args.Length:
                    settings = settings with { Faults = args[++i] };
                    break;
                case "--cpu-seconds" when i + 1 < args.Length && int.TryParse(args[i + 1], out int s) && s > 0:
                    settings = settings with { CpuSeconds = s };
                    i++;
                    break;
                case "-h" or "--help":
                    throw new DemoException("usage: Pprof.Demo [--quick] [--faults cpu,leak,lock,async,sync-over-async,exceptions|all|none] [--cpu-seconds N]");
                default:
                    throw new DemoException($"unknown argument {args[i]}; try --help");
            }
        }
        return settings;
    }
}
