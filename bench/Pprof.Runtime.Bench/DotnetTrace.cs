using System.Diagnostics;
using System.Globalization;

namespace Pprof.Runtime.Bench;

/// <summary>dotnet-trace at the same settings as our collectors, for comparison: the providers string is made from
/// the very provider list our session enables (<c>RuntimeProfiles.DescribeProviders</c>), so the two cannot drift apart.</summary>
internal static class DotnetTrace
{
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

    /// <summary>dotnet-trace with its default settings (the cpu-sampling profile: the thread sampler and the runtime's
    /// default events).</summary>
    public static Task CollectDefault(string exe, int pid, double seconds) => Collect(exe, pid, null, seconds);

    public static async Task Collect(string exe, int pid, string? providers, double seconds)
    {
        string output = Path.Combine(Path.GetTempPath(), $"bench-{pid}-{Guid.NewGuid():N}.nettrace");
        var ts = TimeSpan.FromSeconds(seconds);
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "collect", "-p", pid.ToString(CultureInfo.InvariantCulture),
                     "--duration", ts.ToString(@"dd\:hh\:mm\:ss", CultureInfo.InvariantCulture), "-o", output })
            psi.ArgumentList.Add(a);
        if (providers != null)
        {
            psi.ArgumentList.Add("--providers");
            psi.ArgumentList.Add(providers);
        }
        using var p = Process.Start(psi)!;
        Bench.CollectorPid = p.Id;
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        File.Delete(output);
    }
}
