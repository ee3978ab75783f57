using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Pprof.Demo.Tests;

/// <summary>The main job end to end (short durations): the real shop, the real load, the real dotnet-pprof CLI. What
/// it prints about each profile is the truth of the demo.</summary>
public sealed class MainJobTests
{
    [Fact]
    public async Task MainJobFindsEveryFaultAndStopsTheShop()
    {
        string demo = typeof(MainJobTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "DemoMainJob").Value!;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(demo);
        info.ArgumentList.Add("--quick");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(170));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the demo did not finish within 170 s:\n" + await stdout);
        }
        string output = await stdout;
        string context = $"exit status {process.ExitCode}\nstdout:\n{output}\nstderr:\n{await stderr}";
        Assert.True(process.ExitCode == 0, context);

        // Every step prints the command as a user types it.
        var url = Regex.Match(output, @"on (http://127\.0\.0\.1:\d+) with faults: all");
        Assert.True(url.Success, context);
        string pprof = url.Groups[1].Value + "/debug/pprof";
        Assert.Contains($"$ dotnet-pprof -top -seconds 2 {pprof}/profile", output);
        Assert.Contains($"$ dotnet-pprof -proto -output=heap1.pb.gz {pprof}/heap", output);
        Assert.Contains("$ dotnet-pprof -sample_index=inuse_space -list RecommendationCache.For -base heap1.pb.gz heap2.pb.gz", output);
        Assert.Contains($"$ dotnet-pprof -proto -output=retention1.pb.gz {pprof}/retention", output);
        Assert.Contains("$ dotnet-pprof -top -base retention1.pb.gz retention2.pb.gz", output);
        Assert.Contains($"$ dotnet-pprof -top {pprof}/goroutine", output);
        Assert.Contains($"$ dotnet-pprof -top {pprof}/mutex", output);
        Assert.Contains("$ dotnet-pprof -http=:", output);

        // cpu: the hot loop is among the first rows by flat time.
        var cpu = Regex.Match(output, @"→ The hot method is Pprof\.Demo\.Shop\.Pricing\.PriceCalculator\.ComputeLoyaltyDiscountRate: \S+ \(([0-9.]+)% of the CPU time\) is spent in it, row ([0-9]+) ");
        Assert.True(cpu.Success, context);
        Assert.InRange(int.Parse(cpu.Groups[2].Value), 1, 5);
        Assert.True(double.Parse(cpu.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 5, context);

        // heap: the live memory allocated under RecommendationCache.For grew between the two heap profiles, and -list
        // shows it on the function's lines.
        var site = Regex.Match(output, @"→ Between the two heap profiles (\S+) more live memory was allocated under Pprof\.Demo\.Shop\.Catalog\.RecommendationCache\.For");
        Assert.True(site.Success, context);
        Assert.Contains("ROUTINE ======================== Pprof.Demo.Shop.Catalog.RecommendationCache.For", output);

        // retention: the static cache holds more in the second snapshot than in the first (a positive difference).
        var leak = Regex.Match(output, @"→ Between the two snapshots (\S+) more live memory is held through static Pprof\.Demo\.Shop\.Catalog\.RecommendationCache\.s_byVisitorAndProduct");
        Assert.True(leak.Success, context);
        Assert.Matches(@"^[0-9.]+(B|kB|MB)$", leak.Groups[1].Value);

        // goroutine: the leaked async method, with a count.
        var pending = Regex.Match(output, @"→ ([0-9]+) async operations are pending in Pprof\.Demo\.Shop\.Orders\.ShipmentTracker\.WaitForShipmentConfirmationAsync");
        Assert.True(pending.Success, context);
        Assert.True(int.Parse(pending.Groups[1].Value) > 0, context);

        // mutex: the contended lock, with most of the contention.
        var contended = Regex.Match(output, @"→ The contended lock is taken in Pprof\.Demo\.Shop\.Inventory\.InventoryStore\.Reserve: \S+ of waiting for it \(([0-9.]+)% of all lock contention\)");
        Assert.True(contended.Success, context);
        Assert.True(double.Parse(contended.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 25, context);

        Assert.Contains("→ Request threads spent", output);
        Assert.Matches(@"→ [0-9]+ exceptions were thrown from Pprof\.Demo\.Shop\.Pricing\.CouponValidator\.ValidateCoupon", output);
        Assert.DoesNotContain("✗", output);

        // No orphan: the shop process is gone.
        int shopPid = int.Parse(Regex.Match(output, @"Started the shop \(pid ([0-9]+)\)").Groups[1].Value);
        Assert.Contains($"Stopped the shop (pid {shopPid})", output);
        Assert.False(IsRunning(shopPid), $"the shop (pid {shopPid}) is still running after the demo exited");
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
