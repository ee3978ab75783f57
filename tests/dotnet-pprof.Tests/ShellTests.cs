using System.Text;
using Pprof.Cli.Driver;

namespace Pprof.Cli.Tests;

/// <summary>The interactive shell, driven through piped standard input.</summary>
public sealed class ShellTests
{
    private static string Cpu => ConformancePack.Profile("cpu.pb.gz");

    private static (int Rc, string Out, string Err) RunInProcess(string stdin, params string[] args)
    {
        var output = new MemoryStream();
        var err = new StringWriter();
        var ui = new PprofUI(new StringReader(stdin), output, err);
        int rc = PprofDriver.Run(args, ui);
        return (rc, Encoding.UTF8.GetString(output.ToArray()), err.ToString());
    }

    [Fact]
    public void PipedCommandsProduceReportsAfterPrompts()
    {
        var r = CliRunner.Run(["-symbolize=none", Cpu], stdin: "top 3\nquit\n");
        Assert.Equal(0, r.ExitCode);
        string expectedTop = """
            (pprof) Showing nodes accounting for 1.12s, 100% of 1.12s total
            Showing top 3 nodes out of 6
                  flat  flat%   sum%        cum   cum%
                 1.10s 98.21% 98.21%      1.10s 98.21%  line1000
                 0.01s  0.89% 99.11%      1.01s 90.18%  line2001 (inline)
                 0.01s  0.89%   100%      1.02s 91.07%  line3002
            (pprof) 
            """.Replace("\r\n", "\n");
        Assert.Equal(expectedTop.TrimEnd('\n'), r.StdoutText);
        Assert.Equal("File: testbinary\nType: cpu\nDuration: 10s, Total samples = 1.12s (11.20%)\n" +
            "Entering interactive mode (type \"help\" for commands, \"o\" for options)\n", r.Stderr);
    }

    [Fact]
    public void OptionAssignmentsApplyToLaterCommands()
    {
        var (rc, output, err) = RunInProcess("focus=line2\nnodecount=2\ntop\n", "-symbolize=none", Cpu);
        Assert.Equal(0, rc);
        Assert.Contains("Active filters:\n   focus=line2\n", output);
        Assert.Contains("Showing top 2 nodes out of 6", output);
        Assert.Contains("        1s 89.29% 89.29%         1s 89.29%  line1000\n", output);
        Assert.DoesNotContain("line3000", output);
        Assert.EndsWith("(pprof) ", output);
        Assert.DoesNotContain("unrecognized", err);
    }

    [Fact]
    public void AbbreviatedTopWithCumAndSampleIndexShortcut()
    {
        var (rc, output, _) = RunInProcess("samples\ntop2 -cum\n", "-symbolize=none", Cpu);
        Assert.Equal(0, rc);
        Assert.Contains("Showing top 2 nodes out of 6", output);
        // Sorted by cum with the samples value: line3000 (the root) first.
        int header = output.IndexOf("cum%\n", StringComparison.Ordinal);
        Assert.True(header > 0);
        string firstRow = output[(header + 5)..].Split('\n')[0];
        Assert.EndsWith("line3000", firstRow);
    }

    [Fact]
    public void ErrorsAreReportedAndTheShellContinues()
    {
        var (rc, output, err) = RunInProcess(
            "sample_index=zz\nfoo\nnodecount\nnodecount=x\nlines\nlist\nfocus=(\ntop\nhelp zz\nnodecount 3\n", "-symbolize=none", Cpu);
        Assert.Equal(0, rc);
        Assert.Contains("sample_index \"zz\" must be one of: [samples cpu]\n", err);
        Assert.Contains("unrecognized command: \"foo\"\n", err);
        Assert.Contains("please specify a value, e.g. nodecount=<val>\n", err);
        Assert.Contains("strconv.Atoi: parsing \"x\": invalid syntax\n", err);
        Assert.Contains("unknown config field \"lines\"\n", err);
        Assert.Contains("command list requires an argument\n", err);
        Assert.Contains("parsing focus regexp: error parsing regexp: missing closing ): `(`\n", err);
        Assert.Contains("Unknown command: zz\n", err);
        Assert.Contains("did you mean: nodecount=3\n", err);
        // Ten commands, then the prompt that meets the end of input.
        Assert.Equal(11, output.Split("(pprof) ").Length - 1);
    }

    [Fact]
    public void OptionsListingShowsCurrentValues()
    {
        var (_, _, err) = RunInProcess("cum=true\nnodecount=7\no\n", "-symbolize=none", Cpu);
        Assert.Contains("  compact_labels            = true                 \n", err);
        Assert.Contains("  nodecount                 = 7                    \n", err);
        Assert.Contains("  sort                      = cum                  //: [cum | flat]\n", err);
        Assert.Contains("  sample_index              = cpu                  //: [samples | cpu]\n", err);
        Assert.Contains("  edgefraction              = 0.001                \n", err);
        Assert.DoesNotContain("source_path", err);
    }

    [Fact]
    public void HelpDescribesCommandsAndOptions()
    {
        var (_, _, err) = RunInProcess("help\nhelp top\nhelp nodecount\n", "-symbolize=none", Cpu);
        Assert.Contains("  Commands:\n", err);
        Assert.Contains("    o/options        List options and their current values\n", err);
        Assert.Contains("    q/quit/exit/^D   Exit pprof\n", err);
        Assert.Contains("  :   Clear focus/ignore/hide/tagfocus/tagignore\n", err);
        Assert.Contains("Outputs top entries in text form\n  Usage:\n    top [n] [focus_regex]* [-ignore_regex]* [-cum] >f\n", err);
        Assert.Contains("Max number of nodes to show\nUses heuristics", err);
    }

    [Fact]
    public void ReportRedirectWritesAFile()
    {
        string dir = Directory.CreateTempSubdirectory("pprof-shell").FullName;
        try
        {
            string file = Path.Combine(dir, "top.txt");
            var (rc, output, err) = RunInProcess($"top >{file}\nexit\n", "-symbolize=none", Cpu);
            Assert.Equal(0, rc);
            Assert.Contains("Generating report in " + file, err);
            string text = File.ReadAllText(file);
            Assert.StartsWith("Showing nodes accounting for 1.12s, 100% of 1.12s total\n", text);
            Assert.DoesNotContain("Showing nodes", output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void EndOfInputLeavesTheShell()
    {
        var (rc, output, _) = RunInProcess("", "-symbolize=none", Cpu);
        Assert.Equal(0, rc);
        Assert.Equal("(pprof) ", output);
    }
}
