namespace Pprof.Report.Tests;

/// <summary>Report options the pack does not exercise (<c>-mean</c>, <c>-divide_by</c>, <c>-call_tree</c>, source
/// listings with and without sources, trimming headers, peek), on a small synthetic profile; the expected outputs
/// in TestData were printed by <c>go tool pprof</c> 1.19 for the arguments in TestData/cases.txt.</summary>
public class ReportSyntheticTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var line in File.ReadLines(Path.Combine(ReportConformanceHelper.TestDataDir(), "cases.txt")))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            data.Add(line.Substring(0, line.IndexOf('|')));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesGoPprof(string name)
    {
        string dir = ReportConformanceHelper.TestDataDir();
        string[] args = Array.Empty<string>();
        foreach (var line in File.ReadLines(Path.Combine(dir, "cases.txt")))
        {
            if (line.StartsWith(name + "|", StringComparison.Ordinal)) args = line.Substring(name.Length + 1).Split(' ');
        }
        string expected = File.ReadAllText(Path.Combine(dir, name + ".out"));
        if (File.ReadAllText(Path.Combine(dir, name + ".rc")).Trim() != "0")
        {
            Assert.Equal("", expected);
            var e = Assert.Throws<ReportException>(() => ReportConformanceHelper.RunArgs(args, dir));
            Assert.StartsWith("no matches found for regexp: ", e.Message);
            return;
        }
        string actual = ReportConformanceHelper.RunArgs(args, dir);
        if (Environment.GetEnvironmentVariable("REPORT_ACTUAL_DIR") is { Length: > 0 } outDir)
        {
            File.WriteAllText(Path.Combine(outDir, "synthetic-" + name + ".out"), actual);
        }
        Assert.Equal(expected, actual);
    }
}
