using Pprof.Profiles;

namespace Pprof.Report.Tests;

/// <summary>Hand-made profiles for the flame graph and folded-stack tests.</summary>
internal static class VisualTestProfiles
{
    /// <summary>Builds a profile from (root-first stack, value) pairs; a frame written "a+b" is one location whose
    /// lines are b inlined into a (a the caller). Sample type cpu/nanoseconds.</summary>
    public static Profile Build(params (string Stack, long Value)[] samples) => Build(samples, Array.Empty<(string, long)>());

    /// <summary>As <see cref="Build(ValueTuple{string, long}[])"/>, plus base samples labelled as -diff_base does
    /// (value negated, label pprof::base=true).</summary>
    public static Profile Build((string Stack, long Value)[] samples, (string Stack, long Value)[] baseSamples)
    {
        var p = new Profile { SampleTypes = { new ProfileValueType("samples", "count"), new ProfileValueType("cpu", "nanoseconds") } };
        var functions = new Dictionary<string, Function>(StringComparer.Ordinal);
        var locations = new Dictionary<string, Location>(StringComparer.Ordinal);
        Function Fn(string name)
        {
            if (!functions.TryGetValue(name, out var f))
            {
                f = new Function { Id = (ulong)functions.Count + 1, Name = name, SystemName = name };
                functions[name] = f;
                p.Functions.Add(f);
            }
            return f;
        }
        Location Loc(string frame)
        {
            if (!locations.TryGetValue(frame, out var l))
            {
                var names = frame.Split('+');
                // Lines are innermost first.
                var lines = names.Reverse().Select(n => new Line(Fn(n), 1)).ToArray();
                l = new Location { Id = (ulong)locations.Count + 1, Address = 0x1000 + (ulong)locations.Count, Lines = lines };
                locations[frame] = l;
                p.Locations.Add(l);
            }
            return l;
        }
        void Add((string Stack, long Value) s, bool isBase)
        {
            var frames = s.Stack.Split(';');
            var locs = frames.Reverse().Select(Loc).ToArray();
            long v = isBase ? -s.Value : s.Value;
            var sample = new Sample(locs, new[] { v / 10, v });
            if (isBase) sample.SetLabel("pprof::base", "true");
            p.Samples.Add(sample);
        }
        foreach (var s in samples) Add(s, false);
        foreach (var s in baseSamples) Add(s, true);
        p.CheckValid();
        return p;
    }
}
