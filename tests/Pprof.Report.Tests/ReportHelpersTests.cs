using Pprof.Report.Reports;

namespace Pprof.Report.Tests;

/// <summary>The report engine's small Go-compatibility helpers.</summary>
public class ReportHelpersTests
{
    [Fact]
    public void TabWriterAlignsColumnBlocksRightLikeGo()
    {
        var tw = new TabWriter();
        tw.Write("key1:\t Total 1.1s\n \t1.0s (89.29%):\t tag1\n \t100.0ms ( 8.93%):\t tag2\n\nk:\t Total 2\n");
        var sw = new StringWriter();
        tw.Flush(sw);
        Assert.Equal(
            " key1: Total 1.1s\n" +
            "          1.0s (89.29%): tag1\n" +
            "       100.0ms ( 8.93%): tag2\n" +
            "\n" +
            " k: Total 2\n",
            sw.ToString());
    }

    [Fact]
    public void TabWriterBlockEndsAtLineWithFewerCells()
    {
        var tw = new TabWriter();
        tw.Write("a\tb\tc\nlonger\tx\ny\tzz\tw\n");
        var sw = new StringWriter();
        tw.Flush(sw);
        // Column 0 spans all three lines; column 1 only the first line, then again the third.
        Assert.Equal("      a bc\n longerx\n      y zzw\n", sw.ToString());
    }

    [Theory]
    [InlineData("/proc/self/cwd/./src/a.go", "", "", "src/a.go")]
    [InlineData("/proc/self/cwd/src/a.go", "", "", "src/a.go")]
    [InlineData("/build/root/src/a.go", "/build/root", "", "src/a.go")]
    [InlineData("/build/root/src/a.go", "/other:/build/root/", "", "src/a.go")]
    [InlineData("/some/remote/my-project/foo/bar.c", "", "/local/path/my-project", "foo/bar.c")]
    [InlineData("/some/remote/my-project/foo/bar.c", "/x", "/local/path/my-project", "/some/remote/my-project/foo/bar.c")]
    [InlineData("testdata/file1000.src", "", "", "testdata/file1000.src")]
    public void TrimPathFollowsPprofHeuristics(string path, string trim, string search, string expected)
    {
        Assert.Equal(expected, SourceReader.TrimPath(path, trim, search));
    }

    [Fact]
    public void SourceReaderSearchesParentsOfTheSearchPath()
    {
        string root = Path.Combine(Path.GetTempPath(), "report-src-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "pkg", "deep"));
            File.WriteAllText(Path.Combine(root, "pkg", "a.src"), "one\r\ntwo\nthree");
            var reader = new SourceReader(Path.Combine(root, "pkg", "deep"), "");
            Assert.True(reader.TryGetLine("pkg/a.src", 1, out string l1));
            Assert.Equal("one", l1);
            Assert.True(reader.TryGetLine("pkg/a.src", 3, out string l3));
            Assert.Equal("three", l3);
            Assert.False(reader.TryGetLine("pkg/a.src", 4, out _));
            Assert.Null(reader.FileError("pkg/a.src"));

            Assert.False(reader.TryGetLine("missing.src", 1, out _));
            Assert.Equal("could not find file missing.src on path " + Path.Combine(root, "pkg", "deep"), reader.FileError("missing.src"));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void HeaderTimeUsesGoLayout()
    {
        var utc = new GoTime.ZoneInfo(TimeZoneInfo.Utc, "UTC", "UTC");
        Assert.Equal("Sep 29, 2017 at 8:57pm (UTC)", GoTime.FormatHeaderTime(1506718679257235370, utc));
        Assert.Equal("Jan 1, 1970 at 12:00am (UTC)", GoTime.FormatHeaderTime(1, utc));
        Assert.Equal("Oct 18, 2022 at 3:39pm (UTC)", GoTime.FormatHeaderTime(1666107571000000000, utc));
    }
}
