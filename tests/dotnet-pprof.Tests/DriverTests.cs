using System.Text;
using Pprof.Cli.Driver;

namespace Pprof.Cli.Tests;

/// <summary>The driver end to end, in process: sources, binaries, filters and their warnings, output files.</summary>
public sealed class DriverTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pprof-driver").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string P(string name) => ConformancePack.Profile(name);

    private static (int Rc, string Out, string Err) Run(params string[] args)
    {
        var output = new MemoryStream();
        var err = new StringWriter();
        int rc = PprofDriver.Run(args, new PprofUI(TextReader.Null, output, err));
        return (rc, Encoding.UTF8.GetString(output.ToArray()), err.ToString());
    }

    private static string Expected(string name) => File.ReadAllText(Path.Combine(ConformancePack.Dir, "expected", name + ".out"));

    [Fact]
    public void BinaryArgumentNamesTheMainMapping()
    {
        // The CLI's own assembly is a PE file: taken as the binary, not as a profile.
        var (rc, output, _) = Run("-symbolize=none", "-raw", CliRunner.CliDll, P("cpusmall.pb.gz"));
        Assert.Equal(0, rc);
        Assert.Contains("1: 0x1000/0x4000/0x0 " + CliRunner.CliDll + " ", output);
        var (rc2, top, _) = Run("-symbolize=none", "-top", CliRunner.CliDll, P("cpu.pb.gz"));
        Assert.Equal(0, rc2);
        Assert.StartsWith("File: dotnet-pprof.dll\n", top);
    }

    [Fact]
    public void HexArgumentIsABuildId()
    {
        var (rc, output, _) = Run("-symbolize=none", "-raw", "abc123", P("cpusmall.pb.gz"));
        Assert.Equal(0, rc);
        Assert.Contains("1: 0x1000/0x4000/0x0 /path/to/testbinary abc123 [FN][FL][LN][IN]\n", output);
    }

    [Fact]
    public void FiltersThatMatchNothingAreReported()
    {
        var (rc, output, err) = Run("-symbolize=none", "-top", "-focus=zzz", "-tagfocus=1mb", P("cpu.pb.gz"));
        Assert.Equal(0, rc);
        Assert.Equal("tagfocus:Interpreted '1mb' as range, not regexp\nFocus expression matched no samples\nTagFocus expression matched no samples\n", err);
        Assert.Contains("Active filters:\n   focus=zzz\n   tagfocus=1mb\n", output);
    }

    [Fact]
    public void TagFocusRangeSelectsSamples() =>
        Assert.Equal(Expected("heap-tagfocus"), Run("-nodecount=20", "-nodefraction=0.05", "-edgefraction=0.01", "-compact_labels",
            "-unit=minimum", "-symbolize=none", "-top", "-tagfocus=1mb:2gb", P("heap.pb.gz")).Out);

    [Fact]
    public void MissingSourceAmongSeveralIsAWarning()
    {
        string missing = Path.Combine(_dir, "missing.pb.gz");
        var (rc, output, err) = Run("-symbolize=none", "-top", P("cpu.pb.gz"), missing);
        Assert.Equal(0, rc);
        Assert.Equal($"{missing}: open {missing}: no such file or directory\nFetched 1 source profiles out of 2\n", err);
        Assert.StartsWith("File: testbinary\n", output);
    }

    [Fact]
    public void AllSourcesMissing()
    {
        string a = Path.Combine(_dir, "a"), b = Path.Combine(_dir, "b");
        var (rc, output, err) = Run("-top", a, b);
        Assert.Equal(1, rc);
        Assert.Equal("", output);
        Assert.Equal($"{a}: open {a}: no such file or directory\n{b}: open {b}: no such file or directory\ndotnet-pprof: failed to fetch any source profiles\n", err);
    }

    [Fact]
    public void IncompatibleProfilesCannotBeMerged()
    {
        var (rc, _, err) = Run("-top", P("cpu.pb.gz"), P("heap.pb.gz"));
        Assert.Equal(1, rc);
        Assert.StartsWith("dotnet-pprof: problem fetching source profiles: period type: incompatible types: ", err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void OutputFlagWritesTheReportToAFile()
    {
        string file = Path.Combine(_dir, "out.pb.gz");
        var (rc, output, err) = Run("-symbolize=none", "-proto", "-output=" + file, P("cpu.pb.gz"));
        Assert.Equal(0, rc);
        Assert.Equal("", output);
        Assert.Equal("Generating report in " + file + "\n", err);
        // The written profile reads back to the same top report.
        Assert.Equal(Run("-symbolize=none", "-top", P("cpu.pb.gz")).Out, Run("-symbolize=none", "-top", file).Out);
    }

    [Fact]
    public void ProtoToAPipeIsWrittenToStdout()
    {
        var output = new MemoryStream();
        int rc = PprofDriver.Run(["-symbolize=none", "-proto", P("cpu.pb.gz")], new PprofUI(TextReader.Null, output, new StringWriter()));
        Assert.Equal(0, rc);
        byte[] bytes = output.ToArray();
        Assert.True(bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b, "gzipped profile expected on stdout");
    }

    [Fact]
    public void CommentIsAdded()
    {
        var (rc, output, _) = Run("-symbolize=none", "-comments", "-add_comment=hello there", P("cpu.pb.gz"));
        Assert.Equal(0, rc);
        Assert.EndsWith("hello there\n", output);
    }

    [Fact]
    public void SampleAliasesSelectTheSampleType()
    {
        var (_, output, err) = Run("-symbolize=none", "-top", "-inuse_objects", "-alloc_space", P("heap.pb.gz"));
        Assert.Contains("Type: inuse_objects\n", output);
        Assert.Equal("Multiple value selections, ignoring -alloc_space\n", err);
        Assert.Equal(Expected("heap-inuse-objects"), Run("-nodecount=20", "-nodefraction=0.05", "-edgefraction=0.01", "-compact_labels",
            "-unit=minimum", "-symbolize=none", "-top", "-inuse_objects", P("heap.pb.gz")).Out);
    }

    [Fact]
    public void ConflictingChoicesAreRejected()
    {
        var (rc, _, err) = Run("-top", "-cum", "-flat", P("cpu.pb.gz"));
        Assert.Equal(1, rc);
        Assert.Matches(@"^dotnet-pprof: conflicting options set: \[(cum flat|flat cum)\]\n$", err);
    }

    [Fact]
    public void RelativePercentagesUseTheFocusedTotal()
    {
        var (_, output, _) = Run("-symbolize=none", "-top", "-relative_percentages", "-focus=line2", P("cpu.pb.gz"));
        Assert.Contains("Showing nodes accounting for 1.01s, 100% of 1.01s total\n", output);
        var (_, plain, _) = Run("-symbolize=none", "-top", "-focus=line2", P("cpu.pb.gz"));
        Assert.Contains("Showing nodes accounting for 1.01s, 90.18% of 1.12s total\n", plain);
    }

    [Fact]
    public void DivideByScalesValues()
    {
        var (_, output, _) = Run("-symbolize=none", "-top", "-divide_by=2", P("cpu.pb.gz"));
        Assert.Contains("Showing nodes accounting for 560ms, 100% of 560ms total\n", output);
        var (rc, _, err) = Run("-symbolize=none", "-top", "-divide_by=0", P("cpu.pb.gz"));
        Assert.Equal(1, rc);
        Assert.Equal("dotnet-pprof: zero divisor specified\n", err);
    }
}
