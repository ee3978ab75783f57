using System.Diagnostics;

namespace Pprof.Demo;

/// <summary>The demo: start the shop, load it, collect profiles through its endpoints with dotnet-pprof and say what
/// each one shows.</summary>
internal sealed class DemoRunner
{
    /// <summary>The finding checked in each profile, by fault.</summary>
    internal static readonly Finding Cpu = new("cpu", "Pprof.Demo.Shop.Pricing.PriceCalculator.ComputeLoyaltyDiscountRate", 5,
        (row, rank, _) => $"The hot method is {row.Name}: {row.Flat} ({Pct(row.FlatPercent)} of the CPU time) is spent in it, " +
            $"row {rank} of -top by flat time. The cart's loyalty discount replays the whole purchase history for every line.");

    internal static readonly Finding LeakSite = new("leak", "Pprof.Demo.Shop.Catalog.RecommendationCache.For", 0,
        (row, _, _) => $"Between the two heap profiles {row.Cum} more live memory was allocated under {row.Name} " +
            "(inuse_space, by allocating stack); -list shows the lines that allocate it.",
        row => IsPositive(row.Cum) ? null : $"the live memory it allocated did not grow ({row.Cum})");

    internal static readonly Finding Leak = new("leak", "RecommendationCache", 0,
        (row, _, _) => $"Between the two snapshots {row.Cum} more live memory is held through {row.Name}: " +
            "a static cache, keyed by visitor, that never evicts.",
        row => IsPositive(row.Cum) ? null : $"what it holds did not grow ({row.Cum})");

    internal static readonly Finding Async = new("async", "Pprof.Demo.Shop.Orders.ShipmentTracker.WaitForShipmentConfirmationAsync", 0,
        (row, _, _) => $"{row.Flat} async operations are pending in {row.Name} ({Pct(row.FlatPercent)} of all goroutines): " +
            "one per checkout, each awaiting a confirmation nobody sends. Leaked async operations: no thread is running them.",
        row => IsPositive(row.Flat) ? null : "none is pending in it");

    internal static readonly Finding Lock = new("lock", "Pprof.Demo.Shop.Inventory.InventoryStore.Reserve", 0,
        (row, _, _) => $"The contended lock is taken in {row.Name}: {row.Cum} of waiting for it ({Pct(row.CumPercent)} of all lock contention). " +
            "Every add-to-cart queues on the one global inventory lock.");

    internal static readonly Finding SyncOverAsync = new("sync-over-async", "Pprof.Demo.Shop.Orders.PaymentGateway.AuthorizeBlocking", 0,
        (row, _, report) => $"Request threads spent {row.Cum} of wall time in {row.Name}, blocked {Under(report)}: " +
            ".Result on an async call (sync over async) holds a thread-pool thread for each payment.");

    internal static readonly Finding Exceptions = new("exceptions", "Pprof.Demo.Shop.Pricing.CouponValidator.ValidateCoupon", 0,
        (row, _, _) => $"{row.Cum} exceptions were thrown from {row.Name} ({Pct(row.CumPercent)} of all): " +
            "exceptions as control flow for the ordinary \"no coupon\" case.");

    /// <summary>Rows of each report printed (the row of a finding further down is printed too).</summary>
    private const int ShownRows = 10;

    private readonly DemoSettings _settings;
    private readonly TextWriter _out;
    private readonly HashSet<string> _faultsOn;
    private int _failed;

    public DemoRunner(DemoSettings settings, TextWriter output)
    {
        _settings = settings;
        _out = output;
        _faultsOn = ParseFaults(settings.Faults);
    }

    /// <summary>The running shop, for the process-exit handler.</summary>
    public ShopProcess? Shop { get; private set; }

    /// <summary>Runs the demo: 0 when every switched-on fault was found in its profile, 1 otherwise.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string work = Directory.CreateTempSubdirectory("pprof-demo-").FullName;
        var cli = new PprofCli(ChildPrograms.DotnetPprof, work);
        _out.WriteLine("dotnet-pprof demo: a shop with bugs, found with profiles.");
        _out.WriteLine($"(`dotnet-pprof` below is the CLI built from this repository: dotnet {ChildPrograms.DotnetPprof})");
        _out.WriteLine();

        using var shop = await ShopProcess.StartAsync(ChildPrograms.Shop, _settings.Faults, cancellationToken).ConfigureAwait(false);
        Shop = shop;
        string url = shop.BaseUrl;
        string pprof = url + "/debug/pprof";
        _out.WriteLine($"Started the shop (pid {shop.Id}) on {url} with faults: {_settings.Faults}; its pprof endpoints are at {pprof}/");
        _out.WriteLine($"Driving load with {_settings.LoadLoops} concurrent shoppers (browse, product pages, add to cart, view cart, checkout) ...");
        ShopLoad load = new(url, _settings.LoadLoops);
        try
        {
            await Task.Delay(_settings.WarmUp, cancellationToken).ConfigureAwait(false);

            Section("1. CPU: where does the time go?");
            var cpu = await TopAsync(cli, new[] { "-top", "-seconds", _settings.CpuSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), pprof + "/profile" }, cancellationToken).ConfigureAwait(false);
            Report(cpu, Cpu);

            Section("2. Heap and retention: what grows, which line allocates it, and what holds it? Two snapshots of each, then the differences");
            await FetchAsync(cli, new[] { "-proto", "-output=heap1.pb.gz", pprof + "/heap" }, cancellationToken).ConfigureAwait(false);
            await FetchAsync(cli, new[] { "-proto", "-output=retention1.pb.gz", pprof + "/retention" }, cancellationToken).ConfigureAwait(false);
            _out.WriteLine($"  ... {_settings.LoadBetweenHeaps.TotalSeconds:0} s more of load ...");
            await Task.Delay(_settings.LoadBetweenHeaps, cancellationToken).ConfigureAwait(false);
            await FetchAsync(cli, new[] { "-proto", "-output=heap2.pb.gz", pprof + "/heap?gc=1" }, cancellationToken).ConfigureAwait(false);
            await FetchAsync(cli, new[] { "-proto", "-output=retention2.pb.gz", pprof + "/retention" }, cancellationToken).ConfigureAwait(false);
            // heap (Go's semantics): live bytes by the stack that allocated them, so the growth points at source lines.
            var site = await TopAsync(cli, new[] { "-sample_index=inuse_space", "-top", "-base", "heap1.pb.gz", "heap2.pb.gz" }, cancellationToken).ConfigureAwait(false);
            Report(site, LeakSite);
            await ListAsync(cli, new[] { "-sample_index=inuse_space", "-list", "RecommendationCache.For", "-base", "heap1.pb.gz", "heap2.pb.gz" }, cancellationToken).ConfigureAwait(false);
            // retention: live objects by the path that holds them, so the growth points at the static field.
            var heap = await TopAsync(cli, new[] { "-top", "-base", "retention1.pb.gz", "retention2.pb.gz" }, cancellationToken).ConfigureAwait(false);
            Report(heap, Leak);

            Section("3. Goroutines: what is every thread and pending async operation doing?");
            var goroutine = await TopAsync(cli, new[] { "-top", pprof + "/goroutine" }, cancellationToken).ConfigureAwait(false);
            Report(goroutine, Async);

            Section("4. Mutex: which lock do requests wait for?");
            var mutex = await TopAsync(cli, new[] { "-top", pprof + "/mutex" }, cancellationToken).ConfigureAwait(false);
            Report(mutex, Lock);

            Section("5. Wall clock: where do requests wait? (every thread, on and off CPU, focused on the payment call)");
            var wall = await TopAsync(cli, new[] { "-top", "-focus=AuthorizeBlocking", "-seconds", _settings.WallSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), pprof + "/wall" }, cancellationToken).ConfigureAwait(false);
            Report(wall, SyncOverAsync);

            Section("6. Exceptions: what is thrown, from where?");
            var exceptions = await TopAsync(cli, new[] { "-top", pprof + "/exceptions" }, cancellationToken).ConfigureAwait(false);
            Report(exceptions, Exceptions);
        }
        finally
        {
            await load.DisposeAsync().ConfigureAwait(false);
        }

        Section("Explore interactively");
        _out.WriteLine($"The profiles fetched above are saved in {work}:");
        foreach (var f in Directory.GetFiles(work).OrderBy(f => f, StringComparer.Ordinal)) _out.WriteLine("  " + Path.GetFileName(f));
        _out.WriteLine("Open one in the web UI (Top, Graph, Flame Graph, Peek, Source) or compare the retention snapshots:");
        _out.WriteLine($"  $ dotnet-pprof -http=: {PprofCli.ShellQuote(Path.Combine(work, "retention2.pb.gz"))}");
        _out.WriteLine($"  $ dotnet-pprof -http=: -base {PprofCli.ShellQuote(Path.Combine(work, "retention1.pb.gz"))} {PprofCli.ShellQuote(Path.Combine(work, "retention2.pb.gz"))}");
        _out.WriteLine("Or run the shop yourself and point dotnet-pprof (or go tool pprof) at it:");
        _out.WriteLine("  $ dotnet run -c Release --project samples/Pprof.Demo.Shop -- --faults all     # http://127.0.0.1:5080");
        _out.WriteLine("  $ dotnet-pprof -http=: 'http://127.0.0.1:5080/debug/pprof/profile?seconds=30'");
        _out.WriteLine("  $ curl -X POST 'http://127.0.0.1:5080/faults/cpu?on=false'                      # switch a fault off");
        _out.WriteLine();

        _out.WriteLine($"Load: {load.Requests} requests, {load.Failures} failed{(load.FirstFailure is { } first ? $" (first: {first})" : "")}.");
        shop.Dispose();
        _out.WriteLine($"Stopped the shop (pid {shop.Id}). Done in {clock.Elapsed.TotalSeconds:0} s.");
        if (_failed > 0)
        {
            _out.WriteLine($"FAILED: {_failed} expected finding(s) missing (see ✗ above).");
            return 1;
        }
        _out.WriteLine("Every fault that was switched on showed in its profile.");
        return 0;
    }

    private void Section(string title)
    {
        _out.WriteLine();
        _out.WriteLine("== " + title);
    }

    private async Task<TopReport?> TopAsync(PprofCli cli, string[] args, CancellationToken ct)
    {
        var run = await RunAsync(cli, args, ct).ConfigureAwait(false);
        if (run == null) return null;
        var report = TopReport.Parse(run.Stdout);
        foreach (var line in report.Trimmed(ShownRows)) _out.WriteLine("  " + line);
        if (report.Rows.Count > ShownRows) _out.WriteLine($"  ... ({report.Rows.Count - ShownRows} more rows)");
        return report;
    }

    /// <summary>Runs a <c>-list</c> and prints the lines that carry a value (and the routine headers).</summary>
    private async Task ListAsync(PprofCli cli, string[] args, CancellationToken ct)
    {
        var run = await RunAsync(cli, args, ct).ConfigureAwait(false);
        if (run == null) return;
        foreach (var raw in run.Stdout.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            string trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed.StartsWith(".          .", StringComparison.Ordinal)) continue;
            _out.WriteLine("  " + line);
        }
    }

    private async Task FetchAsync(PprofCli cli, string[] args, CancellationToken ct)
    {
        var run = await RunAsync(cli, args, ct).ConfigureAwait(false);
        if (run != null)
            foreach (var line in run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)) _out.WriteLine("  " + line.TrimEnd('\r'));
    }

    private async Task<PprofCli.Run?> RunAsync(PprofCli cli, string[] args, CancellationToken ct)
    {
        var run = await cli.RunAsync(args, TimeSpan.FromSeconds(120), ct).ConfigureAwait(false);
        _out.WriteLine("$ " + run.CommandLine);
        if (run.ExitCode == 0) return run;
        _out.WriteLine($"  ✗ dotnet-pprof failed (exit status {run.ExitCode}): {run.Stderr.Trim()}");
        return null;
    }

    private void Report(TopReport? report, Finding finding)
    {
        bool expected = _faultsOn.Contains(finding.Fault);
        if (report == null)
        {
            if (expected) _failed++;
            return;
        }
        var (found, sentence, rank) = finding.Check(report);
        if (rank > ShownRows) _out.WriteLine("  " + report.Rows[rank - 1].Text);
        if (found) _out.WriteLine("  → " + sentence);
        else if (expected)
        {
            _out.WriteLine("  ✗ " + sentence);
            _failed++;
        }
        else _out.WriteLine($"  (the {finding.Fault} fault is off, and the profile does not show it)");
    }

    private static HashSet<string> ParseFaults(string list)
    {
        var all = new[] { "cpu", "leak", "lock", "async", "sync-over-async", "exceptions" };
        var on = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var f in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (f.Equals("all", StringComparison.OrdinalIgnoreCase)) on.UnionWith(all);
            else if (f.Equals("none", StringComparison.OrdinalIgnoreCase)) on.Clear();
            else on.Add(f);
        }
        return on;
    }

    /// <summary>Whether a value as printed (<c>780396B</c>, <c>1.2MB</c>, <c>298</c>) is above zero.</summary>
    internal static bool IsPositive(string value) => value.Length > 0 && value[0] is >= '1' and <= '9' || (value.StartsWith("0.", StringComparison.Ordinal) && value.Skip(2).TakeWhile(char.IsAsciiDigit).Any(c => c != '0'));

    private static string Pct(double p) => p.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + "%";

    /// <summary>Where the focused time sits (the first row by flat: the wait it is blocked in).</summary>
    private static string Under(TopReport report)
        => report.Rows.Count > 0 ? $"in {report.Rows[0].Name}" : "";
}
