using Pprof.Profiles;

namespace Pprof.Cli.Tests;

/// <summary>A small CPU profile for the web UI and picture tests.</summary>
internal static class WebTestProfile
{
    public static Profile Create()
    {
        var p = new Profile
        {
            SampleTypes = { new ProfileValueType("samples", "count"), new ProfileValueType("cpu", "nanoseconds") },
            PeriodType = new ProfileValueType("cpu", "nanoseconds"),
            Period = 10_000_000,
            DurationNanos = 5_000_000_000,
        };
        var m = new Mapping { Id = 1, Start = 0x1000, Limit = 0x9000, File = "/bin/webtest", HasFunctions = true };
        p.Mappings.Add(m);
        var locs = new Dictionary<string, Location>();
        Location Loc(string name)
        {
            if (locs.TryGetValue(name, out var l)) return l;
            var f = new Function { Id = (ulong)p.Functions.Count + 1, Name = name, SystemName = name, Filename = "web.go" };
            p.Functions.Add(f);
            l = new Location { Id = (ulong)p.Locations.Count + 1, Mapping = m, Address = 0x1000 + (ulong)p.Locations.Count * 8, Lines = new[] { new Line(f, 3) } };
            p.Locations.Add(l);
            locs[name] = l;
            return l;
        }
        void Add(long n, params string[] rootFirst) =>
            p.Samples.Add(new Sample(rootFirst.Reverse().Select(Loc).ToArray(), new[] { n, n * 10_000_000 }));
        Add(60, "main.main", "main.compute", "math.Sqrt");
        Add(30, "main.main", "main.io", "os.Read");
        Add(10, "main.main", "main.compute");
        p.CheckValid();
        return p;
    }

    /// <summary>Writes the profile to a new temporary file and returns its path.</summary>
    public static string WriteTemp()
    {
        string path = Path.Combine(Path.GetTempPath(), "webtest-" + Guid.NewGuid().ToString("N") + ".pb.gz");
        using var f = File.Create(path);
        Create().Write(f);
        return path;
    }
}
