using System.Diagnostics;

namespace Pprof.Demo;

/// <summary>The demo shop running as a child process on 127.0.0.1 and a free port. Disposing it stops it (the whole
/// process tree); the shop also exits by itself when this process goes away.</summary>
internal sealed class ShopProcess : IDisposable
{
    private const string ReadyBanner = "Pprof.Demo.Shop listening on ";

    private readonly Process _process;
    private int _disposed;

    private ShopProcess(Process process, string baseUrl)
    {
        _process = process;
        Id = process.Id;
        BaseUrl = baseUrl;
    }

    /// <summary>The shop's address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>The shop's process id.</summary>
    public int Id { get; }

    /// <summary>Starts the shop with <paramref name="faults"/> and waits until it listens.</summary>
    public static async Task<ShopProcess> StartAsync(string shopDll, string faults, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { shopDll, "--urls", "http://127.0.0.1:0", "--faults", faults, "--exit-with-parent", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(arg);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(info) ?? throw new DemoException("could not start the shop");
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lastLines = new Queue<string>();

        void OnLine(string? line)
        {
            if (line == null) return;
            lock (lastLines)
            {
                lastLines.Enqueue(line);
                if (lastLines.Count > 30) lastLines.Dequeue();
            }
            if (line.StartsWith(ReadyBanner, StringComparison.Ordinal)) ready.TrySetResult(line[ReadyBanner.Length..].Trim());
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => ready.TrySetException(new DemoException("the shop exited before it was ready"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            string url = await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            return new ShopProcess(process, url.TrimEnd('/'));
        }
        catch (Exception e) when (e is TimeoutException or DemoException)
        {
            string output;
            lock (lastLines) output = string.Join(Environment.NewLine, lastLines);
            Kill(process);
            process.Dispose();
            throw new DemoException($"the shop did not start ({e.Message}); its output:{Environment.NewLine}{output}");
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Whether the process is still running.</summary>
    public bool IsRunning
    {
        get
        {
            try
            {
                return !_process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Kill(_process);
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // already gone or not ours to kill
        }
    }
}
