using Pprof.Profiles;

namespace Pprof.Profiles.Tests;

/// <summary>Builds small profiles for the operation tests: one mapping, one function per name, one location per
/// distinct frame list, stacks written root last like pprof ("leaf;caller;root").</summary>
internal sealed class OpsProfileBuilder
{
    private readonly Profile _p = new();
    private readonly Dictionary<string, Function> _functions = new();
    private readonly Dictionary<string, Location> _locations = new();
    private readonly Mapping _mapping;

    public OpsProfileBuilder(params string[] sampleTypes)
    {
        foreach (var t in sampleTypes.Length == 0 ? new[] { "samples/count" } : sampleTypes)
        {
            var parts = t.Split('/');
            _p.SampleTypes.Add(new ProfileValueType(parts[0], parts[1]));
        }
        _p.PeriodType = new ProfileValueType("cpu", "nanoseconds");
        _p.Period = 1;
        _mapping = new Mapping { Id = 1, Start = 0x1000, Limit = 0x100000, File = "/bin/app", HasFunctions = true, HasFilenames = true, HasLineNumbers = true, HasInlineFrames = true };
        _p.Mappings.Add(_mapping);
    }

    public Function Function(string name)
    {
        if (!_functions.TryGetValue(name, out var f))
        {
            f = new Function { Id = (ulong)_functions.Count + 1, Name = name, SystemName = name, Filename = name + ".cs" };
            _functions[name] = f;
            _p.Functions.Add(f);
        }
        return f;
    }

    /// <summary>A location for a frame written "callee+caller" (inlined frames, innermost first), optionally ":line".</summary>
    public Location Location(string frame)
    {
        if (!_locations.TryGetValue(frame, out var l))
        {
            var lines = frame.Split('+').Select(part =>
            {
                var bits = part.Split(':');
                return new Line(Function(bits[0]), bits.Length > 1 ? long.Parse(bits[1]) : 1);
            }).ToArray();
            l = new Location { Id = (ulong)_locations.Count + 1, Mapping = _mapping, Address = 0x1000 + 0x10 * ((ulong)_locations.Count + 1), Lines = lines };
            _locations[frame] = l;
            _p.Locations.Add(l);
        }
        return l;
    }

    public Sample Sample(string stack, params long[] values)
    {
        var locs = stack.Length == 0 ? Array.Empty<Location>() : stack.Split(';').Select(Location).ToArray();
        var s = new Sample(locs, values);
        _p.Samples.Add(s);
        return s;
    }

    public Profile Build()
    {
        _p.CheckValid();
        return _p;
    }

    /// <summary>Each sample as "leaf;...;root=v1,v2", frames as their function names joined with '+'.</summary>
    public static List<string> Stacks(Profile p) => p.Samples.Select(s =>
        string.Join(";", s.Locations.Select(l => string.Join("+", l.Lines.Select(ln => ln.Function?.Name ?? "?")))) + "=" + string.Join(",", s.Values)).ToList();
}
