namespace Pprof.Cli.Tests;

/// <summary>The interactive shell's line editing (<c>LineEditor</c>): the real CLI on a pseudo-terminal, typed at
/// key by key.</summary>
public sealed class LineEditorTests
{
    private const string Up = "\u001b[A";
    private const string Left = "\u001b[D";
    private const string Backspace = "\u007f";
    private const string CtrlA = "\u0001";
    private const string CtrlD = "\u0004";
    private const string CtrlU = "\u0015";

    private static PseudoTerminal StartShell()
    {
        var env = new Dictionary<string, string> { ["TERM"] = "xterm", ["TZ"] = "UTC" };
        string? cli = Environment.GetEnvironmentVariable("DOTNET_PPROF_CLI") is { Length: > 0 } p && File.Exists(p) ? p : null;
        return cli != null
            ? new PseudoTerminal(cli, ["-symbolize=none", ConformancePack.Profile("cpu.pb.gz")], env)
            : new PseudoTerminal(CliRunner.DotnetHost, ["exec", CliRunner.CliDll, "-symbolize=none", ConformancePack.Profile("cpu.pb.gz")], env);
    }

    private static int Count(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    /// <summary>Waits for the report of the <paramref name="n"/>th command and the prompt after it.</summary>
    private static void WaitForReport(PseudoTerminal t, string header, int n) =>
        t.WaitFor(s => Count(s, header) >= n && s.EndsWith("(pprof) ", StringComparison.Ordinal), $"report {n} ({header})");

    [Fact]
    public void TypingEditingHistoryAndCtrlD()
    {
        using var t = StartShell();
        t.WaitFor(s => s.EndsWith("(pprof) ", StringComparison.Ordinal), "the first prompt");
        Assert.Contains("Entering interactive mode (type \"help\" for commands, \"o\" for options)\n", t.Screen);

        // Typing and backspace: "top 3x", rub out the x.
        t.Type("top 3x" + Backspace + "\r");
        WaitForReport(t, "Showing top 3 nodes out of 6", 1);
        Assert.Contains("     1.10s 98.21% 98.21%      1.10s 98.21%  line1000\n", t.Screen);

        // Cursor movement: "tp 2", three steps left, insert the o.
        t.Type("tp 2" + Left + Left + Left + "o\r");
        WaitForReport(t, "Showing top 2 nodes out of 6", 1);

        // History: up twice brings back "top 3"; Enter runs it again.
        t.Type(Up + Up + "\r");
        WaitForReport(t, "Showing top 3 nodes out of 6", 2);
        Assert.Equal(1, Count(t.Screen, "Showing top 2 nodes out of 6"));

        // Ctrl+U clears a half-typed line; Ctrl+A goes to its start; Ctrl+D on an empty line leaves the shell.
        t.Type("nonsense" + CtrlU + "op 1" + CtrlA + "t\r");
        WaitForReport(t, "Showing top 1 nodes out of 6", 1);
        Assert.DoesNotContain("unrecognized command", t.Screen);
        t.Type(CtrlD);
        Assert.Equal(0, t.WaitForExit());
    }
}
