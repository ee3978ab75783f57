using Pprof.Profiles;

namespace Pprof.Profiles.Tests;

public class MergeTests
{
    [Fact]
    public void IdenticalStacksAreAddedAndIdsRenumberedInOrderOfUse()
    {
        var b = new OpsProfileBuilder("samples/count", "cpu/nanoseconds");
        b.Location("unused");
        b.Sample("b;a", 1, 10);
        b.Sample("c;a", 2, 20);
        b.Sample("b;a", 3, 30);
        var p = b.Build();

        var m = Profile.Merge(new[] { p });
        Assert.Equal(new[] { "b;a=4,40", "c;a=2,20" }, OpsProfileBuilder.Stacks(m));
        Assert.Equal(new ulong[] { 1, 2, 3 }, m.Locations.Select(l => l.Id));
        Assert.Equal(new[] { "b", "a", "c" }, m.Functions.Select(f => f.Name));
        Assert.Equal(new ulong[] { 1, 2, 3 }, m.Functions.Select(f => f.Id));
        m.CheckValid();
    }

    [Fact]
    public void ResultIsIndependentOfTheSources()
    {
        var b = new OpsProfileBuilder();
        b.Sample("b;a", 5);
        var p = b.Build();
        var m = p.Compact();
        m.Samples[0].Values[0] = 99;
        m.Functions[0].Name = "changed";
        m.Locations[0].Lines[0].LineNumber = 77;
        m.SampleTypes[0].Type = "x";
        Assert.Equal(5, p.Samples[0].Values[0]);
        Assert.Equal("b", p.Functions[0].Name);
        Assert.Equal(1, p.Locations[0].Lines[0].LineNumber);
        Assert.Equal("samples", p.SampleTypes[0].Type);
    }

    [Fact]
    public void SamplesWithDifferentLabelsStayApart()
    {
        var b = new OpsProfileBuilder();
        b.Sample("a", 1).SetLabel("k", "v1");
        b.Sample("a", 2).SetLabel("k", "v2");
        b.Sample("a", 4).SetLabel("k", "v1");
        b.Sample("a", 8);
        var n = b.Sample("a", 16);
        n.NumLabels = new() { ["bytes"] = new long[] { 64 } };
        var u = b.Sample("a", 32);
        u.NumLabels = new() { ["bytes"] = new long[] { 64 } };
        u.NumUnits = new() { ["bytes"] = new[] { "bytes" } };
        var e = b.Sample("a", 64);
        e.Labels = new(); // an empty label set is no label set
        var m = b.Build().Compact();
        Assert.Equal(new long[] { 5, 2, 72, 16, 32 }, m.Samples.Select(s => s.Values[0]));
    }

    [Fact]
    public void SamplesThatCancelOutAreDroppedWithWhatOnlyTheyUsed()
    {
        var b = new OpsProfileBuilder();
        b.Sample("x;a", 3);
        b.Sample("y;a", 5);
        var p = b.Build();
        var neg = p.Copy();
        neg.Samples.RemoveAt(1);
        neg.Scale(-1);

        var m = Profile.Merge(new[] { p, neg });
        Assert.Equal(new[] { "y;a=5" }, OpsProfileBuilder.Stacks(m));
        Assert.Equal(new[] { "y", "a" }, m.Functions.Select(f => f.Name));
        Assert.Equal(new ulong[] { 1, 2 }, m.Locations.Select(l => l.Id));
    }

    [Fact]
    public void ZeroSamplesInTheSourceAreSkipped()
    {
        var b = new OpsProfileBuilder();
        b.Sample("z", 0);
        b.Sample("a", 1);
        var m = b.Build().Compact();
        Assert.Equal(new[] { "a=1" }, OpsProfileBuilder.Stacks(m));
        Assert.Single(m.Functions);
    }

    [Fact]
    public void RelocatedMappingsOfOneBinaryMergeAndAddressesAreRebased()
    {
        Profile Make(ulong start)
        {
            var m = new Mapping { Id = 7, Start = start, Limit = start + 0x1800, Offset = 0x100, BuildId = "b1", File = "/x" };
            var f = new Function { Id = 3, Name = "f" };
            var l = new Location { Id = 9, Mapping = m, Address = start + 0x40, Lines = new[] { new Line(f, 2) } };
            var p = new Profile { SampleTypes = { new ProfileValueType("samples", "count") } };
            p.Mappings.Add(m);
            p.Functions.Add(f);
            p.Locations.Add(l);
            p.Samples.Add(new Sample(new[] { l }, new long[] { 1 }));
            return p;
        }
        // Sizes 0x1800 and 0x1f00 both round up to 0x2000, so the mappings are the same binary.
        var a = Make(0x10000);
        var c = Make(0x70000);
        c.Mappings[0].Limit = 0x70000 + 0x1f00;
        var merged = Profile.Merge(new[] { a, c });
        Assert.Single(merged.Mappings);
        Assert.Equal(0x10000UL, merged.Mappings[0].Start);
        Assert.Single(merged.Locations);
        Assert.Equal(0x10040UL, merged.Locations[0].Address);
        Assert.Equal(2, merged.Samples[0].Values[0]);

        // A different build id is a different binary.
        var d = Make(0x70000);
        d.Mappings[0].BuildId = "b2";
        var two = Profile.Merge(new[] { a, d });
        Assert.Equal(2, two.Mappings.Count);
        Assert.Equal(new ulong[] { 0x10040, 0x70040 }, two.Locations.Select(l => l.Address));
    }

    [Fact]
    public void FirstMappingOfTheFirstProfileStaysFirst()
    {
        var b = new OpsProfileBuilder();
        b.Sample("a", 1);
        var p = b.Build();
        var lib = new Mapping { Id = 2, Start = 0x900000, Limit = 0x901000, File = "/lib/x.so" };
        p.Mappings.Add(lib);
        p.Locations[0].Mapping = lib;
        var m = p.Compact();
        Assert.Equal(new[] { "/bin/app", "/lib/x.so" }, m.Mappings.Select(x => x.File));
        Assert.Same(m.Mappings[1], m.Locations[0].Mapping);
    }

    [Fact]
    public void HeadersAreCombined()
    {
        Profile Make(long time, long duration, long period, string dflt, params string[] comments)
        {
            var b = new OpsProfileBuilder("samples/count", "cpu/nanoseconds");
            b.Sample("a", 1, 1);
            var p = b.Build();
            p.TimeNanos = time;
            p.DurationNanos = duration;
            p.Period = period;
            p.DefaultSampleType = dflt;
            p.Comments.AddRange(comments);
            return p;
        }
        var first = Make(500, 10, 3, "", "one", "two");
        first.DropFrames = "drop";
        first.KeepFrames = "keep";
        var second = Make(200, 20, 7, "cpu", "two", "three");
        second.DropFrames = "other";
        var third = Make(300, 30, 5, "samples");
        var m = Profile.Merge(new[] { first, second, third });
        Assert.Equal(200, m.TimeNanos);
        Assert.Equal(60, m.DurationNanos);
        Assert.Equal(7, m.Period);
        Assert.Equal("cpu", m.DefaultSampleType);
        Assert.Equal(new[] { "one", "two", "three" }, m.Comments);
        Assert.Equal("drop", m.DropFrames);
        Assert.Equal("keep", m.KeepFrames);
        Assert.Equal(3, m.Samples[0].Values[0]);

        // pprof's quirk: a later zero time restarts the search for the earliest.
        var zero = Make(0, 0, 0, "");
        Assert.Equal(300, Profile.Merge(new[] { first, zero, third }).TimeNanos);
    }

    [Fact]
    public void IncompatibleProfilesAreRejectedWithPprofsMessage()
    {
        var a = new OpsProfileBuilder("samples/count", "cpu/nanoseconds").Build();
        var b = new OpsProfileBuilder("samples/count", "cpu/milliseconds").Build();
        var e = Assert.Throws<ProfileFormatException>(() => Profile.Merge(new[] { a, b }));
        Assert.Equal("incompatible sample types [{samples count 0 0} {cpu nanoseconds 0 0}] and [{samples count 0 0} {cpu milliseconds 0 0}]", e.Message);

        var c = new OpsProfileBuilder("samples/count", "cpu/nanoseconds").Build();
        c.PeriodType = new ProfileValueType("space", "bytes");
        e = Assert.Throws<ProfileFormatException>(() => Profile.Merge(new[] { a, c }));
        Assert.Equal("incompatible period types &{cpu nanoseconds 0 0} and &{space bytes 0 0}", e.Message);

        var d = new OpsProfileBuilder("samples/count").Build();
        e = Assert.Throws<ProfileFormatException>(() => a.Normalize(d));
        Assert.StartsWith("incompatible sample types", e.Message);

        e = Assert.Throws<ProfileFormatException>(() => Profile.Merge(Array.Empty<Profile>()));
        Assert.Equal("no profiles to merge", e.Message);
    }

    [Fact]
    public void ColumnsAreKeptAndDistinguishLocations()
    {
        var b = new OpsProfileBuilder();
        var l1 = b.Location("f");
        b.Sample("f", 1);
        var p = b.Build();
        var l2 = new Location { Id = 2, Mapping = l1.Mapping, Address = l1.Address, Lines = new[] { new Line(l1.Lines[0].Function, 1, 5) } };
        l1.Lines[0].Column = 4;
        p.Locations.Add(l2);
        p.Samples.Add(new Sample(new[] { l2 }, new long[] { 2 }));
        var m = p.Compact();
        Assert.Equal(2, m.Locations.Count);
        Assert.Equal(new long[] { 4, 5 }, m.Locations.Select(l => l.Lines[0].Column));

        m.Aggregate(true, true, true, true, columnNumber: false, address: true);
        var c = m.Compact();
        Assert.Single(c.Locations);
        Assert.Equal(0, c.Locations[0].Lines[0].Column);
        Assert.Equal(3, c.Samples[0].Values[0]);
    }

    [Fact]
    public void MergingDuplicateSamplesAllocatesLittle()
    {
        // 20k samples over 8 distinct 30-deep stacks: merging must not build a key or a stack per sample.
        var b = new OpsProfileBuilder("samples/count", "cpu/nanoseconds");
        var stacks = Enumerable.Range(0, 8).Select(i => string.Join(";", Enumerable.Range(0, 30).Select(d => $"f{(d * 7 + i) % 40}"))).ToArray();
        foreach (var st in stacks) b.Sample(st, 1, 10);
        var p = b.Build();
        for (int i = 8; i < 20_000; i++) p.Samples.Add(new Sample(p.Samples[i % 8].Locations, new long[] { 1, 10 }));
        p.Compact(); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        var m = p.Compact();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(8, m.Samples.Count);
        Assert.Equal(2_500, m.Samples[0].Values[0]);
        Assert.Equal(25_000, m.Samples[7].Values[1]);
        Assert.True(allocated < 2_000_000, $"allocated {allocated} bytes");
    }
}
