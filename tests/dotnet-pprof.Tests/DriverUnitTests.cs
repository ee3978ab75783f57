using Pprof.Cli.Driver;
using Pprof.Profiles.Go;

namespace Pprof.Cli.Tests;

/// <summary>Unit tests of the driver's building blocks: RE2 translation, URL adjustment, flag parsing, tag ranges.</summary>
public sealed class DriverUnitTests
{
    [Theory]
    [InlineData("line.*0", "line1000", true)]
    [InlineData("^line1", "line1000", true)]
    [InlineData("^line1$", "line1000", false)]
    [InlineData("line1000$", "line1000\n", false)] // Go's $ is end of text
    [InlineData("(?m)line1000$", "line1000\nx", true)]
    [InlineData(@"\d{4}", "line1000", true)]
    [InlineData(@"\d", "line\u0663", false)] // \d is ASCII only in RE2
    [InlineData("[[:digit:]]+x", "12x", true)]
    [InlineData("[[:^digit:]]", "123", false)]
    [InlineData(@"\pL+", "abc", true)]
    [InlineData(@"\p{Greek}", "\u03b1", true)]
    [InlineData(@"(?P<fn>main)\.", "main.go", true)]
    [InlineData(@"\Qa.b\E", "axb", false)]
    [InlineData(@"\Qa.b\E", "a.b", true)]
    [InlineData(@"(?i)MAIN", "main", true)]
    [InlineData(@"a{2,3}", "caab", true)]
    [InlineData(@"x{", "x{", true)]
    [InlineData(@"[]a]", "]", true)]
    [InlineData(@"[^]a]", "b", true)]
    [InlineData(@"\x41\x{42}", "AB", true)]
    [InlineData(@"#comment", "#comment", true)]
    [InlineData(@"a b", "a b", true)]
    public void TranslatesRe2(string pattern, string input, bool matches) =>
        Assert.Equal(matches, GoRegex.Compile(pattern).IsMatch(input));

    [Theory]
    [InlineData("(", "missing closing ): `(`")]
    [InlineData("a)", "unexpected ): `a)`")]
    [InlineData("[abc", "missing closing ]: `[abc`")]
    [InlineData("[z-a]", "invalid character class range: `z-a`")]
    [InlineData("*", "missing argument to repetition operator: `*`")]
    [InlineData("x**", "invalid nested repetition operator: `**`")]
    [InlineData(@"\8", "invalid escape sequence: `\\8`")]
    [InlineData("a{1001}", "invalid repeat count: `{1001}`")]
    [InlineData("(?=a)", "invalid or unsupported Perl syntax: `(?=`")]
    [InlineData("(?<n>a)", "invalid or unsupported Perl syntax: `(?<`")]
    [InlineData(@"a\1", "invalid escape sequence: `\\1`")]
    [InlineData(@"\", "trailing backslash at end of expression: ``")]
    public void RejectsWhatRe2Rejects(string pattern, string message)
    {
        var e = Assert.Throws<GoRegexException>(() => GoRegex.Compile(pattern));
        Assert.Equal("error parsing regexp: " + message, e.Message);
    }

    [Theory]
    [InlineData("localhost:8080", 0, -1, "http://localhost:8080/debug/pprof/profile", 60)]
    [InlineData("127.0.0.1:6060", 30, -1, "http://127.0.0.1:6060/debug/pprof/profile?seconds=30", 45)]
    [InlineData("http://host/debug/pprof/heap", -1, 10, "http://host/debug/pprof/heap", 10)]
    [InlineData("http://host/x?seconds=4&a=b", -1, -1, "http://host/x?a=b&seconds=4", 6)]
    [InlineData("https://host:1/p?z=1&seconds=9", 2, -1, "https://host:1/p?seconds=2&z=1", 3)]
    [InlineData("host:1/debug/pprof/mutex", 0, -1, "http://host:1/debug/pprof/mutex", 60)]
    public void AdjustsUrlsAsPprof(string source, int seconds, int timeout, string url, double timeoutSeconds)
    {
        var (u, t) = Fetcher.AdjustUrl(source, seconds, timeout);
        Assert.Equal(url, u);
        Assert.Equal(timeoutSeconds, t);
    }

    [Theory]
    [InlineData("profiles/cpu.pb.gz")]
    [InlineData("/tmp/cpu.pb.gz")]
    [InlineData("cpu.pb.gz")]
    [InlineData("file:///tmp/x")]
    public void FilesAreNotUrls(string source) => Assert.Null(Fetcher.AdjustUrl(source, -1, -1).Url);

    [Fact]
    public void FlagsFollowGoRules()
    {
        var f = new FlagSet();
        f.DefineBool("top", false);
        f.DefineInt("nodecount", -1);
        f.DefineString("focus", "");
        f.DefineFloat("nodefraction", 0.005);
        var rest = f.Parse(["--top", "-nodecount", "0x10", "-focus=a=b", "--nodefraction=1e-3", "file", "-notaflag"]);
        Assert.True(f.GetBool("top"));
        Assert.Equal(16, f.GetInt("nodecount"));
        Assert.Equal("a=b", f.GetString("focus"));
        Assert.Equal(0.001, f.GetFloat("nodefraction"));
        Assert.Equal(["file", "-notaflag"], rest);

        var g = new FlagSet();
        g.DefineBool("top", false);
        Assert.Equal(["x"], g.Parse(["-top=false", "--", "x"]));
        Assert.False(g.GetBool("top"));
        Assert.Equal("invalid value \"99999999999\" for flag -n: value out of range", Assert.Throws<PprofException>(() =>
        {
            var h = new FlagSet();
            h.DefineInt("n", 0);
            h.Parse(["-n=99999999999"]);
        }).Message);
        Assert.Equal("bad flag syntax: ---x", Assert.Throws<PprofException>(() => new FlagSet().Parse(["---x"])).Message);
        var help = new FlagSet();
        help.Parse(["-h"]);
        Assert.True(help.HelpRequested);
    }

    // Go's flag package parses ints with strconv.ParseInt(s, 0, 64): underscores between digits and after a base
    // prefix are accepted, others rejected (results printed by go1.19.8's flag package).
    [Theory]
    [InlineData("1_000", 1000, null)]
    [InlineData("0x_3", 3, null)]
    [InlineData("0_17", 15, null)]
    [InlineData("0x__1", 0, "parse error")]
    [InlineData("1__0", 0, "parse error")]
    [InlineData("_1", 0, "parse error")]
    [InlineData("99999999999999999999", 0, "value out of range")]
    public void IntFlagsParseAsGo(string text, long value, string? error)
    {
        var f = new FlagSet();
        f.DefineInt("nodecount", 0);
        if (error == null)
        {
            f.Parse(["-nodecount=" + text]);
            Assert.Equal(value, f.GetInt("nodecount"));
            return;
        }
        var e = Assert.Throws<PprofException>(() => f.Parse(["-nodecount=" + text]));
        Assert.Equal($"invalid value \"{text}\" for flag -nodecount: {error}", e.Message);
    }

    [Theory]
    [InlineData("1mb:2gb", 1L << 20, "B", true)]
    [InlineData("1mb:2gb", (1L << 20) - 1, "bytes", false)]
    [InlineData("32kb", 32 * 1024, "bytes", true)]
    [InlineData(":64kb", 65537, "bytes", false)]
    [InlineData("4mb:", 4L << 30, "bytes", true)]
    [InlineData("10ms:1s", 20_000_000, "nanoseconds", true)]
    [InlineData("10ms:1s", 20_000_000, "bytes", false)]
    public void TagRanges(string filter, long value, string unit, bool matches)
    {
        var f = Focus.ParseTagFilterRange(filter);
        Assert.NotNull(f);
        Assert.Equal(matches, f(value, unit));
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("1kb:2ms")]
    [InlineData("1kb-2kb")]
    public void NotTagRanges(string filter) => Assert.Null(Focus.ParseTagFilterRange(filter));

    [Theory]
    [InlineData(0.005, "0.005")]
    [InlineData(0.001, "0.001")]
    [InlineData(1.0, "1")]
    [InlineData(80.0, "80")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(1e21, "1e+21")]
    [InlineData(123456789012.5, "1.234567890125e+11")]
    [InlineData(1e6, "1e+06")]
    [InlineData(123456.0, "123456")]
    [InlineData(-0.25, "-0.25")]
    public void FormatsFloatsAsGo(double v, string text) => Assert.Equal(text, GoFormat.G(v));

    [Fact]
    public void CommandOverridesFollowPprof()
    {
        var cfg = new PprofConfig();
        var top = PprofDriver.ApplyCommandOverrides(ReportCommands.Find("top")!, cfg);
        Assert.Equal(0, top.NodeCount);
        Assert.Equal(0.005, top.NodeFraction);
        var dot = PprofDriver.ApplyCommandOverrides(ReportCommands.Find("dot")!, cfg);
        Assert.Equal(80, dot.NodeCount);
        var list = PprofDriver.ApplyCommandOverrides(ReportCommands.Find("list")!, cfg);
        Assert.Equal("lines", list.Granularity);
        Assert.Equal(0, list.NodeFraction);
        var raw = PprofDriver.ApplyCommandOverrides(ReportCommands.Find("raw")!, cfg);
        Assert.Equal("addresses", raw.Granularity);
        cfg.NodeCount = 5;
        Assert.Equal(5, PprofDriver.ApplyCommandOverrides(ReportCommands.Find("tree")!, cfg).NodeCount);
        Assert.Equal("-1", PprofConfig.Lookup("nodecount")!.Get(new PprofConfig()));
    }

    [Fact]
    public void ShellCommandLineParsing()
    {
        var help = new Dictionary<string, string>(Usage.ConfigHelp);
        var (cmd, cfg) = Shell.ParseCommandLine(["top20", "-cum", "main", "-runtime", ">out.txt"], new PprofConfig(), help);
        Assert.Equal(["top"], cmd);
        Assert.Equal(20, cfg.NodeCount);
        Assert.Equal("cum", cfg.Sort);
        Assert.Equal("main", cfg.Focus);
        Assert.Equal("runtime", cfg.Ignore);
        Assert.Equal("out.txt", cfg.Output);
        var (tags, tcfg) = Shell.ParseCommandLine(["tags", "key1", "-key2"], new PprofConfig(), help);
        Assert.Equal(["tags"], tags);
        Assert.Equal("key1", tcfg.TagFocus);
        Assert.Equal("key2", tcfg.TagIgnore);
        Assert.Equal(10, Shell.ParseCommandLine(["top"], new PprofConfig(), help).Config.NodeCount);
        Assert.Equal(-1, Shell.ParseCommandLine(["tree"], new PprofConfig(), help).Config.NodeCount);
        Assert.Equal(["list", "main"], Shell.ParseCommandLine(["list", "main"], new PprofConfig(), help).Command);
    }
}
