using System.Diagnostics;
using System.Globalization;

namespace Pprof.Runtime.Bench;

/// <summary>dotnet-trace at the same settings as our collectors, for comparison.</summary>
internal static class DotnetTrace
{
    /// <summary>Our cpu profile's providers: the thread sampler and method names (Loader|Jit|NGen|ILToNativeMap, verbose).</summary>
    public const string CpuProviders = "Microsoft-DotNETCore-SampleProfiler:0:4,Microsoft-Windows-DotNETRuntime:0x20038:5";

    /// <summary>Our allocs profile's providers: allocation sampling plus method names.</summary>
    public const string AllocProviders = "Microsoft-Windows-DotNETRuntime:0x80000020038:5";

    public static string? Find()
    {
        string home = Environment.GetEnvironmentVariable("HOME") ?? "";
        foreach (var candidate in new[] { Path.Combine(home, ".dotnet", "tools", "dotnet-trace") }
                     .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "dotnet-trace"))))
        {
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static async Task Collect(string exe, int pid, string providers, double seconds)
    {
        string output = Path.Combine(Path.GetTempPath(), $"bench-{pid}-{Guid.NewGuid():N}.nettrace");
        var ts = TimeSpan.FromSeconds(seconds);
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "--providers", providers,
                     "--duration", ts.ToString(@"dd\:hh\:mm\:ss", CultureInfo.InvariantCulture), "-o", output })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        File.Delete(output);
    }
}
