using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Pprof.Cli.Tests;

/// <summary>The CLI's web UI as a child process (<c>dotnet-pprof -http=HOST:0 -no_browser FILE</c>), optionally under a
/// lowered file descriptor limit; the port is read from its "Serving web UI on" line.</summary>
internal sealed partial class WebUiProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _stderr = new();

    /// <param name="hostport">The <c>-http</c> value, with port 0.</param>
    /// <param name="profilePath">The profile to serve.</param>
    /// <param name="settingsPath">The saved-configurations file (DOTNET_PPROF_SETTINGS).</param>
    /// <param name="fdLimit">When set, the process runs under <c>ulimit -n</c> of this value.</param>
    public WebUiProcess(string hostport, string profilePath, string settingsPath, int? fdLimit = null)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var psi = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add((fdLimit is int n ? $"ulimit -n {n} || exit 90; " : "") + "exec \"$@\"");
        psi.ArgumentList.Add("webui");
        foreach (var a in new[] { dotnet, "exec", CliRunner.CliDll, "-http=" + hostport, "-no_browser", profilePath }) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_PPROF_SETTINGS"] = settingsPath;
        _process = Process.Start(psi)!;
        var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (_stderr) _stderr.AppendLine(e.Data);
            var m = ServingLine().Match(e.Data);
            if (m.Success) ready.TrySetResult(int.Parse(m.Groups[1].Value));
        };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        if (!ready.Task.Wait(TimeSpan.FromSeconds(60)))
        {
            Dispose();
            throw new TimeoutException("the web UI did not start: " + Stderr);
        }
        Port = ready.Task.Result;
    }

    [GeneratedRegex(@"Serving web UI on http://\S+:(\d+)/")]
    private static partial Regex ServingLine();

    public int Port { get; }

    /// <summary>The web UI's process id (bash execs it).</summary>
    public int Pid => _process.Id;

    /// <summary>What the process wrote on stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr) return _stderr.ToString();
        }
    }

    /// <summary>True while the process runs.</summary>
    public bool Alive => !_process.HasExited;

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
