namespace Pprof.Profiles.Tests;

/// <summary>The steps <c>pprof -symbolize=none -raw FILE</c> applies between parsing and printing (see the final
/// report of the legacy work for the list), applied to every legacy fixture: the result must be the CLI's golden
/// output. This pins down the pipeline the CLI has to reproduce.</summary>
public class LegacyRawPipelineTests
{
    private static readonly string s_expected = Path.Combine(LegacyParserTests.PackDir(), "expected");

    public static TheoryData<string, string> RawCases()
    {
        var d = new TheoryData<string, string>();
        foreach (var line in File.ReadAllLines(Path.Combine(LegacyParserTests.PackDir(), "cases.txt")))
        {
            var parts = line.Split('|', 2);
            if (parts.Length != 2 || parts[1] is not { } args || !args.StartsWith("-symbolize=none -raw profiles/", StringComparison.Ordinal)) continue;
            d.Add(parts[0], args.Substring("-symbolize=none -raw profiles/".Length));
        }
        return d;
    }

    internal static Profile RawPipeline(Profile p)
    {
        // grabProfile: validate; locateBinaries adds a fake mapping when there is none.
        p.CheckValid();
        if (p.Mappings.Count == 0)
        {
            var m = new Mapping { Id = 1 };
            p.Mappings.Add(m);
            foreach (var l in p.Locations) l.Mapping = m;
        }
        // combineProfiles: merge (of the one profile), then the profile's drop/keep frames.
        p = Profile.Merge(new[] { p });
        p.RemoveUninteresting();
        // generateRawReport works on a copy. applyFocus runs even without filter flags, and FilterSamplesByName with no
        // expressions drops samples with an empty stack. -raw forces granularity "addresses" with inlines, so nothing
        // is aggregated.
        p = p.Copy();
        p.FilterSamplesByName(null, null, null, null);
        return p;
    }

    [Theory]
    [MemberData(nameof(RawCases))]
    public void RawOutputMatchesCli(string name, string file)
    {
        var p = Profile.Parse(File.ReadAllBytes(Path.Combine(LegacyParserTests.ProfilesDir, file)));
        Assert.Equal(File.ReadAllText(Path.Combine(s_expected, name + ".out")), RawPipeline(p).ToString());
    }
}
