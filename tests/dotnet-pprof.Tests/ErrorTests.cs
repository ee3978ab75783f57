using System.IO.Compression;

namespace Pprof.Cli.Tests;

/// <summary>Bad input of every kind: one line on stderr, exit status 1, no stack trace.</summary>
public sealed class ErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pprof-errors").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertOneLineError(CliRunner.Result r, string expected)
    {
        Assert.Equal(1, r.ExitCode);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.DoesNotContain("Exception", r.Stderr);
        string[] lines = r.Stderr.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, "expected one line on stderr, got:\n" + r.Stderr);
        Assert.Equal(expected, lines[0]);
        Assert.Empty(r.Stdout);
    }

    private static void AssertOneLineErrorStartsWith(CliRunner.Result r, string prefix)
    {
        Assert.Equal(1, r.ExitCode);
        Assert.DoesNotContain("   at ", r.Stderr);
        string[] lines = r.Stderr.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, "expected one line on stderr, got:\n" + r.Stderr);
        Assert.StartsWith(prefix, lines[0]);
    }

    [Fact]
    public void MissingFile()
    {
        string path = Path.Combine(_dir, "nonexist.pb.gz");
        AssertOneLineError(CliRunner.Run(["-top", path]), $"dotnet-pprof: {path}: open {path}: no such file or directory");
    }

    [Fact]
    public void TruncatedFile()
    {
        byte[] data = File.ReadAllBytes(ConformancePack.Profile("cpu.pb.gz"));
        string path = Path.Combine(_dir, "truncated.pb.gz");
        File.WriteAllBytes(path, data[..(data.Length / 2)]);
        AssertOneLineErrorStartsWith(CliRunner.Run(["-top", path]), $"dotnet-pprof: {path}: ");
    }

    [Fact]
    public void CorruptFile()
    {
        string path = Path.Combine(_dir, "corrupt.pb");
        var rnd = new Random(42);
        byte[] data = new byte[4096];
        rnd.NextBytes(data);
        data[0] = 0x0a;
        File.WriteAllBytes(path, data);
        AssertOneLineErrorStartsWith(CliRunner.Run(["-top", path]), $"dotnet-pprof: {path}: parsing profile: ");
    }

    [Fact]
    public void NotAProfile()
    {
        string path = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(path, "these are just some notes\nnot a profile at all\n");
        AssertOneLineErrorStartsWith(CliRunner.Run(["-top", path]), $"dotnet-pprof: {path}: parsing profile: ");
    }

    [Fact]
    public void GzipBombIsRefused()
    {
        string path = Path.Combine(_dir, "bomb.pb.gz");
        using (var f = File.Create(path))
        using (var gz = new GZipStream(f, CompressionLevel.SmallestSize))
        {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 8; i++) gz.Write(zeros);
        }
        var r = CliRunner.Run(["-top", path], env: new Dictionary<string, string> { ["PPROF_MAX_DECOMPRESSED_BYTES"] = "1000000" });
        AssertOneLineErrorStartsWith(r, $"dotnet-pprof: {path}: ");
        Assert.Contains("1000000", r.Stderr);
    }

    [Fact]
    public void UnknownFlag() =>
        AssertOneLineError(CliRunner.Run(["-foo", "x"]), "dotnet-pprof: flag provided but not defined: -foo");

    [Fact]
    public void BadFlagValue() =>
        AssertOneLineError(CliRunner.Run(["-nodecount=abc", "x"]), "dotnet-pprof: invalid value \"abc\" for flag -nodecount: parse error");

    [Fact]
    public void BadBooleanFlagValue() =>
        AssertOneLineError(CliRunner.Run(["-top=maybe", "x"]), "dotnet-pprof: invalid boolean value \"maybe\" for -top: parse error");

    [Fact]
    public void FlagWithoutValue() =>
        AssertOneLineError(CliRunner.Run(["-focus"]), "dotnet-pprof: flag needs an argument: -focus");

    [Fact]
    public void TwoOutputFormats() =>
        AssertOneLineError(CliRunner.Run(["-top", "-traces", ConformancePack.Profile("cpu.pb.gz")]), "dotnet-pprof: must set at most one output format");

    [Fact]
    public void InvalidRegex() =>
        AssertOneLineError(CliRunner.Run(["-top", "-focus=(", ConformancePack.Profile("cpu.pb.gz")]),
            "dotnet-pprof: parsing focus regexp: error parsing regexp: missing closing ): `(`");

    [Fact]
    public void UnsupportedRegexSyntax() =>
        AssertOneLineError(CliRunner.Run(["-top", "-ignore=a(?=b)", ConformancePack.Profile("cpu.pb.gz")]),
            "dotnet-pprof: parsing ignore regexp: error parsing regexp: invalid or unsupported Perl syntax: `(?=`");

    [Fact]
    public void BadSampleIndex() =>
        AssertOneLineError(CliRunner.Run(["-top", "-sample_index=bogus", ConformancePack.Profile("cpu.pb.gz")]),
            "dotnet-pprof: sample_index \"bogus\" must be one of: [samples cpu]");

    [Fact]
    public void UnreachableUrl()
    {
        int port = HttpFixture.UnusedPort();
        var r = CliRunner.Run(["-top", "-timeout=5", $"http://127.0.0.1:{port}/debug/pprof/profile"]);
        Assert.Equal(1, r.ExitCode);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.EndsWith($"dotnet-pprof: http://127.0.0.1:{port}/debug/pprof/profile: Get \"http://127.0.0.1:{port}/debug/pprof/profile\": dial tcp 127.0.0.1:{port}: connect: connection refused\n", r.Stderr);
    }

    [Fact]
    public void NoSource()
    {
        var r = CliRunner.Run(["-top"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("dotnet-pprof: no profile source specified (run dotnet-pprof -help for usage)\n", r.Stderr);
    }

    [Fact]
    public void HelpDocumentsEveryFlag()
    {
        var r = CliRunner.Run(["-help"]);
        Assert.Equal(0, r.ExitCode);
        string text = r.StdoutText;
        Assert.StartsWith("usage:\n", text);
        Assert.Contains("   dotnet-pprof <format> [options] [binary] <source> ...", text);
        foreach (var flag in new[] { "-top", "-traces", "-list", "-peek", "-tree", "-raw", "-proto", "-callgrind", "-nodecount",
            "-nodefraction", "-edgefraction", "-focus", "-ignore", "-hide", "-show", "-show_from", "-prune_from", "-tagfocus",
            "-tagignore", "-tagshow", "-taghide", "-sample_index", "-mean", "-divide_by", "-relative_percentages", "-unit",
            "-call_tree", "-trim", "-compact_labels", "-source_path", "-trim_path", "-output", "-functions", "-filefunctions",
            "-files", "-lines", "-addresses", "-noinlines", "-cum", "-flat", "-seconds", "-timeout", "-base", "-diff_base",
            "-normalize", "-drop_negative", "-symbolize=", "-inuse_space", "-alloc_objects", "-total_delay", "-mean_delay",
            "-http", "-no_browser", "-tools", "-buildid", "-add_comment", "-tls_cert", "PPROF_TMPDIR" })
        {
            Assert.Contains(flag, text);
        }
        Assert.Equal(r.StdoutText, CliRunner.Run(["-h"]).StdoutText);
    }
}
