using System.Diagnostics;
using System.Text;

namespace Pprof.Demo;

/// <summary>Runs the real <c>dotnet-pprof</c> CLI as a child process, in the demo's work directory (where fetched
/// profiles are saved too: <c>PPROF_TMPDIR</c>).</summary>
internal sealed class PprofCli
{
    private readonly string _dll;
    private readonly string _workDirectory;

    public PprofCli(string dll, string workDirectory)
    {
        _dll = dll;
        _workDirectory = workDirectory;
    }

    /// <summary>The result of one run.</summary>
    internal sealed record Run(string CommandLine, int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs <c>dotnet-pprof ARGS</c> and waits for it (killing it on cancellation or after
    /// <paramref name="timeout"/>).</summary>
    public async Task<Run> RunAsync(IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _workDirectory,
        };
        info.ArgumentList.Add(_dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["PPROF_TMPDIR"] = _workDirectory;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        string commandLine = "dotnet-pprof " + string.Join(" ", args.Select(ShellQuote));

        using var process = Process.Start(info) ?? throw new DemoException("could not start dotnet-pprof");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // exited meanwhile
            }
            cancellationToken.ThrowIfCancellationRequested();
            throw new DemoException($"`{commandLine}` did not finish within {timeout.TotalSeconds:0} s");
        }
        return new Run(commandLine, process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>Quotes an argument as a POSIX shell needs it (URLs with <c>?</c> or <c>&amp;</c>, regexps).</summary>
    internal static string ShellQuote(string arg)
    {
        if (arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,+@%".Contains(c))) return arg;
        var sb = new StringBuilder("'");
        foreach (char c in arg) sb.Append(c == '\'' ? "'\\''" : c.ToString());
        return sb.Append('\'').ToString();
    }
}
