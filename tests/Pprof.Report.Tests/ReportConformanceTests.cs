namespace Pprof.Report.Tests;

/// <summary>Report output compared byte for byte with <c>go tool pprof</c> 1.19's (the conformance pack's expected
/// files), for every report format on the pack's profile.proto profiles.</summary>
public class ReportConformanceTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        string[] profiles = { "cpu", "heap", "heap_alloc", "contention", "cpusmall", "long_name_funcs" };
        string[] reports =
        {
            "top", "top_-cum", "traces", "tree", "top_-lines", "top_-files", "top_-addresses", "peek_line",
            "callgrind", "comments", "tags", "top_-noinlines", "dot",
        };
        foreach (var p in profiles)
        {
            foreach (var r in reports) data.Add(p + "-" + r);
        }
        data.Add("heap-inuse-objects");
        data.Add("cpu-list");
        data.Add("heap-list");
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesGoPprof(string name)
    {
        string expected = ReportConformanceHelper.Expected(name);
        if (ReportConformanceHelper.ExpectedExitCode(name) != 0)
        {
            // pprof printed nothing on stdout and failed; the report must refuse the same way.
            Assert.Equal("", expected);
            Assert.Throws<ReportException>(() => ReportConformanceHelper.Run(name));
            return;
        }
        string actual;
        try
        {
            actual = ReportConformanceHelper.Run(name);
        }
        catch (ReportException e)
        {
            actual = "error: " + e.Message;
        }
        if (Environment.GetEnvironmentVariable("REPORT_ACTUAL_DIR") is { Length: > 0 } dir)
        {
            File.WriteAllText(Path.Combine(dir, name + ".out"), actual);
        }
        Assert.Equal(expected, actual);
    }
}
