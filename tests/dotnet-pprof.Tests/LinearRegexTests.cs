using Pprof.Profiles;

namespace Pprof.Cli.Tests;

/// <summary>Patterns that make a backtracking engine run for ever (ReDoS) finish promptly in every place a pattern
/// enters: flags, the shell, and the profile's own <c>drop_frames</c>. Each case runs the CLI as a child process with a
/// bound far above what the linear-time engine needs (well under a second) and far below what backtracking needs (the
/// time doubles with every character of the names: effectively for ever).</summary>
public sealed class LinearRegexTests
{
    private const int BoundMs = 20_000;

    /// <summary>Catastrophic for backtracking on <see cref="Victim"/>: every split of the a's is tried before the '!'
    /// makes the match fail.</summary>
    private const string Evil = "(a+)+$";

    /// <summary>Function names, label keys and values made of 40 a's and a '!'.</summary>
    private static readonly string s_victim = new string('a', 40) + "!";

    private static readonly Lazy<string> s_victimProfile = new(() => WriteProfile(dropFrames: ""));
    private static readonly Lazy<string> s_dropFramesProfile = new(() => WriteProfile(dropFrames: Evil + "|" + s_victim + "b"));

    private static string Cpu => ConformancePack.Profile("cpu.pb.gz");

    private static string WriteProfile(string dropFrames)
    {
        var p = new Profile
        {
            SampleTypes = { new ProfileValueType("samples", "count"), new ProfileValueType("cpu", "nanoseconds") },
            PeriodType = new ProfileValueType("cpu", "nanoseconds"),
            Period = 10_000_000,
            DropFrames = dropFrames,
        };
        var m = new Mapping { Id = 1, Start = 0x1000, Limit = 0x9000, File = "/bin/" + s_victim, HasFunctions = true };
        p.Mappings.Add(m);
        var names = new[] { "main", s_victim, s_victim + "b" };
        for (int i = 0; i < names.Length; i++)
        {
            var f = new Function { Id = (ulong)i + 1, Name = names[i], SystemName = names[i], Filename = s_victim + ".go" };
            p.Functions.Add(f);
            p.Locations.Add(new Location { Id = (ulong)i + 1, Mapping = m, Address = 0x1000 + (ulong)i * 8, Lines = [new Line(f, 3)] });
        }
        var sample = new Sample([p.Locations[2], p.Locations[1], p.Locations[0]], [5, 50_000_000]);
        sample.SetLabel(s_victim, [s_victim]);
        p.Samples.Add(sample);
        p.Samples.Add(new Sample([p.Locations[1], p.Locations[0]], [3, 30_000_000]));
        p.CheckValid();
        string path = Path.Combine(Path.GetTempPath(), "redos-" + Guid.NewGuid().ToString("N") + ".pb.gz");
        using var file = File.Create(path);
        p.Write(file);
        return path;
    }

    public static TheoryData<string> Flags() => new()
    {
        "-focus", "-ignore", "-hide", "-show", "-show_from", "-prune_from", "-tagshow", "-taghide", "-list", "-peek",
    };

    [Theory]
    [MemberData(nameof(Flags))]
    public void FlagPatternFinishesPromptly(string flag)
    {
        bool report = flag is "-list" or "-peek";
        var args = report ? new[] { flag + "=" + Evil, s_victimProfile.Value } : new[] { "-top", flag + "=" + Evil, s_victimProfile.Value };
        var r = CliRunner.Run(args, timeoutMs: BoundMs);
        if (report)
        {
            // Nothing matches, and Go prints the pattern as it was given.
            Assert.Equal("dotnet-pprof: no matches found for regexp: " + Evil + "\n", r.Stderr);
            return;
        }
        Assert.True(r.ExitCode == 0, r.Stderr);
    }

    [Fact]
    public void TagFocusStringFormFinishesPromptly()
    {
        var r = CliRunner.Run(["-top", "-tagfocus=" + s_victim + "=" + Evil, s_victimProfile.Value], timeoutMs: BoundMs);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var ignored = CliRunner.Run(["-top", "-tagignore=" + Evil, s_victimProfile.Value], timeoutMs: BoundMs);
        Assert.True(ignored.ExitCode == 0, ignored.Stderr);
    }

    [Fact]
    public void IssueFocusPatternOnTheExampleFinishesPromptly()
    {
        // The pattern from the hardening issue: over 20 s with .NET's backtracking engine, 0.07 s in Go.
        var r = CliRunner.Run(["-top", @"-focus=^(\w+\.?)*!", Cpu], timeoutMs: BoundMs);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("Showing nodes accounting for 0, 0% of", r.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public void ProfileDropFramesFinishesPromptlyAndStillDrops()
    {
        var r = CliRunner.Run(["-top", s_dropFramesProfile.Value], timeoutMs: BoundMs);
        Assert.True(r.ExitCode == 0, r.Stderr);
        // The second alternative matches the leaf frame, which is dropped; its caller stays.
        Assert.DoesNotContain(s_victim + "b", r.StdoutText, StringComparison.Ordinal);
        Assert.Contains(s_victim, r.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public void ProfileDropFramesUsesGoSyntax()
    {
        // (?P<name>...) is Go-only syntax: .NET's parser rejects it, which pprof would ignore, dropping nothing.
        string path = WriteProfile(dropFrames: "(?P<x>" + s_victim + "b)");
        var r = CliRunner.Run(["-top", path], timeoutMs: BoundMs);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.DoesNotContain(s_victim + "b", r.StdoutText, StringComparison.Ordinal);
        Assert.Contains(s_victim, r.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public void ShellFocusFinishesPromptly()
    {
        var r = CliRunner.Run([s_victimProfile.Value], stdin: "focus=" + Evil + "\ntop\nquit\n", timeoutMs: BoundMs);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("Showing nodes accounting for", r.StdoutText, StringComparison.Ordinal);
    }

    // Go's messages, printed by go1.19.8's `go tool pprof -top -focus=PATTERN examples/cpu.pb.gz`.
    [Theory]
    [InlineData("(", "missing closing ): `(`")]
    [InlineData("a**", "invalid nested repetition operator: `**`")]
    [InlineData(@"\1", @"invalid escape sequence: `\1`")]
    [InlineData("(?<n>a)", "invalid or unsupported Perl syntax: `(?<`")]
    [InlineData("(?=a)", "invalid or unsupported Perl syntax: `(?=`")]
    [InlineData("a{1001}", "invalid repeat count: `{1001}`")]
    [InlineData("(a{1000}){1000}", "invalid repeat count: `{1000}`")]
    [InlineData("((a{100}){100}){100}", "invalid repeat count: `{100}`")]
    [InlineData("(a{10}){101}", "invalid repeat count: `{101}`")]
    [InlineData("(a{2,}){501}", "invalid repeat count: `{501}`")]
    [InlineData("[z-a]", "invalid character class range: `z-a`")]
    [InlineData("x{2}{3}", "invalid nested repetition operator: `{2}{3}`")]
    public void InvalidPatternGetsGoMessage(string pattern, string goError)
    {
        var r = CliRunner.Run(["-top", "-focus=" + pattern, Cpu], timeoutMs: BoundMs);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal("dotnet-pprof: parsing focus regexp: error parsing regexp: " + goError + "\n", r.Stderr);
    }

    /// <summary>The web UI: every view's pattern parameters (focus, ignore, hide, show) with the catastrophic pattern,
    /// on the profile whose drop_frames holds it too, answer promptly and the UI keeps answering afterwards.</summary>
    [Fact]
    public async Task WebUiPatternParametersAnswerPromptly()
    {
        string settings = Path.Combine(Path.GetTempPath(), "redos-settings-" + Guid.NewGuid().ToString("N") + ".json");
        using var ui = new WebUiProcess("127.0.0.1:0", s_dropFramesProfile.Value, settings);
        string evil = Uri.EscapeDataString(Evil);
        var timeout = TimeSpan.FromMilliseconds(BoundMs);
        foreach (string path in new[] { "/ui/top?f=", "/ui/?i=", "/ui/flamegraph?h=", "/ui/peek?s=", "/ui/top?sf=", "/ui/source?f=" })
        {
            int status = await RawHttp.Status(System.Net.IPAddress.Loopback, ui.Port, path + evil, timeout);
            Assert.True(status is 200 or 400 or 404, $"{path}: status {status}");
        }
        Assert.True(ui.Alive, "the web UI process died");
        Assert.Equal(200, await RawHttp.Status(System.Net.IPAddress.Loopback, ui.Port, "/ui/top", timeout));
        File.Delete(settings);
    }
}
