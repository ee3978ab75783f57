using Pprof.Profiles;
using Pprof.Cli.Collect;

namespace Pprof.Cli.Tests;

/// <summary>The ps and collect subcommands, run in-process against this test process.</summary>
public sealed class CollectCommandsTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CollectCommands.Run(args, o, e, CancellationToken.None);
        return (code, o.ToString(), e.ToString());
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("1m30s", 90)]
    [InlineData("500ms", 0.5)]
    [InlineData("2", 2)]
    [InlineData("1.5s", 1.5)]
    public void ParsesDurations(string text, double seconds)
    {
        Assert.True(CollectCommands.TryParseDuration(text, out var d));
        Assert.Equal(seconds, d.TotalSeconds, 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0s")]
    [InlineData("-1")]
    [InlineData("10 parsecs")]
    [InlineData("5x")]
    public void RejectsBadDurations(string text) => Assert.False(CollectCommands.TryParseDuration(text, out _));

    [Fact]
    public void DispatchesOnlyItsSubcommands()
    {
        Assert.True(CollectCommands.Handles(new[] { "ps" }));
        Assert.True(CollectCommands.Handles(new[] { "collect", "cpu" }));
        Assert.False(CollectCommands.Handles(new[] { "-top", "file" }));
        Assert.False(CollectCommands.Handles(Array.Empty<string>()));
    }

    [Fact]
    public void PsListsThisProcess()
    {
        var (code, stdout, _) = Run("ps");
        Assert.Equal(0, code);
        Assert.Matches(@"^\s*PID  NAME\s+RUNTIME  COMMAND$", stdout.Split('\n')[0]);
        Assert.Contains(stdout.Split('\n'), l => l.TrimStart().StartsWith(Environment.ProcessId + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void CollectErrorsAreOneClearLine()
    {
        var (code, _, err) = Run("collect", "cpu", "-p", "2147483000", "-d", "1s");
        Assert.Equal(1, code);
        Assert.Equal("dotnet-pprof collect: no process with pid 2147483000\n", err.Replace("\r", ""));
        (code, _, err) = Run("collect", "nonsense", "-p", "1");
        Assert.Equal(2, code);
        Assert.StartsWith("dotnet-pprof collect: unknown profile kind \"nonsense\" (known: cpu, wall, allocs, mutex, block, threadcreate, exceptions", err);
        (code, _, err) = Run("collect", "cpu");
        Assert.Equal(2, code);
        Assert.Contains("-p PID is required", err);
        (code, _, err) = Run("collect", "cpu", "-p", "1", "-d", "soon");
        Assert.Equal(2, code);
        Assert.Contains("invalid duration", err);
    }

    [Fact]
    public void CollectWritesAProfileThatParses()
    {
        string file = Path.Combine(Path.GetTempPath(), $"collect-test-{Guid.NewGuid():N}.pb.gz");
        try
        {
            var thrower = new Thread(() =>
            {
                for (int i = 0; i < 40; i++)
                {
                    try
                    {
                        throw new TimeoutException("test " + i);
                    }
                    catch (TimeoutException)
                    {
                    }
                    Thread.Sleep(50);
                }
            });
            thrower.Start();
            var (code, _, err) = Run("collect", "exceptions", "-p", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "-d", "2s", "-o", file);
            thrower.Join();
            Assert.True(code == 0, err);
            Assert.Contains("wrote exceptions profile", err);
            var p = Profile.Parse(File.ReadAllBytes(file));
            Assert.Equal("exceptions/count", p.SampleTypes[0].ToString());
            Assert.Contains(p.Samples, s => s.HasLabel("exception", "System.TimeoutException"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
