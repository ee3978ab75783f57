using System.Diagnostics;
using System.Text;

namespace Pprof.Cli.Tests;

/// <summary>Runs the built dotnet-pprof as a child process.</summary>
internal static class CliRunner
{
    /// <summary>The result of one run.</summary>
    internal sealed record Result(int ExitCode, byte[] Stdout, string Stderr)
    {
        public string StdoutText => Encoding.UTF8.GetString(Stdout);
    }

    /// <summary>The CLI's dll, copied next to the test assembly by the project reference.</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "dotnet-pprof.dll");

    /// <summary>An alternative CLI executable to run instead of <see cref="CliDll"/>, from <c>DOTNET_PPROF_CLI</c>
    /// (e.g. a ReadyToRun publish, which starts about twice as fast).</summary>
    private static string? CliOverride =>
        Environment.GetEnvironmentVariable("DOTNET_PPROF_CLI") is { Length: > 0 } p && File.Exists(p) ? p : null;

    internal static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";

    /// <summary>Runs the CLI with <paramref name="args"/> in <paramref name="workDir"/>, feeding <paramref name="stdin"/>.</summary>
    public static Result Run(IEnumerable<string> args, string? workDir = null, string? stdin = null,
        IDictionary<string, string>? env = null, int timeoutMs = 120_000)
    {
        string? cli = CliOverride;
        var psi = new ProcessStartInfo(cli ?? DotnetHost)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir ?? Environment.CurrentDirectory,
        };
        if (cli == null)
        {
            psi.ArgumentList.Add("exec");
            psi.ArgumentList.Add(CliDll);
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["TZ"] = "UTC";
        psi.Environment["TERM"] = "dumb";
        if (env != null)
        {
            foreach (var (k, v) in env) psi.Environment[k] = v;
        }
        using var p = Process.Start(psi)!;
        var stdoutTask = Task.Run(() =>
        {
            var ms = new MemoryStream();
            p.StandardOutput.BaseStream.CopyTo(ms);
            return ms.ToArray();
        });
        var stderrTask = p.StandardError.ReadToEndAsync();
        try
        {
            if (stdin != null) p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        catch (IOException)
        {
            // The CLI exited before reading its input.
        }
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException("dotnet-pprof " + string.Join(" ", args) + " did not finish in time");
        }
        return new Result(p.ExitCode, stdoutTask.Result, stderrTask.Result);
    }

    /// <summary>Runs with arguments given as one space-separated string (as cases.txt does).</summary>
    public static Result Run(string args, string? workDir = null, string? stdin = null, IDictionary<string, string>? env = null, int timeoutMs = 120_000) =>
        Run(args.Split(' ', StringSplitOptions.RemoveEmptyEntries), workDir, stdin, env, timeoutMs);
}
