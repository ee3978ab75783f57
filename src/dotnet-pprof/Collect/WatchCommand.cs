using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Pprof.Runtime.Watch;

namespace Pprof.Cli.Collect;

/// <summary><c>dotnet-pprof watch -p PID -o DIR -cpu MIN,DIFF,ABS …</c>: holmes from outside. Reads the process's
/// runtime statistics every interval and, when a rule fires, writes the matching profile to DIR; every decision is
/// logged on standard error.</summary>
internal static class WatchCommand
{
    public static Command Create(VerbContext context)
    {
        var target = new TargetOptions(withPort: false);
        var output = new Option<string>("--output", "-o")
        {
            Description = "The directory profiles are written to, as <kind>.<yyyyMMddHHmmss.fff>.pb.gz (UTC). Default: the current directory.",
            HelpName = "dir",
            DefaultValueFactory = _ => ".",
        };
        var interval = DurationOption("--interval", "-interval", "How often values are read and rules checked. Default 5s.", TimeSpan.FromSeconds(5));
        var cooldown = DurationOption("--cooldown", "-cooldown", "After a dump, how long the same rule stays quiet. Default 1m.", TimeSpan.FromMinutes(1));
        var profileDuration = DurationOption("--profile-duration", "-profile-duration", "How long cpu, exceptions, mutex and allocs profiles last. Default 5s.", TimeSpan.FromSeconds(5));
        var rateWindow = DurationOption("--rate-window", "-rate-window", "The window of -max-dumps. Default 1h.", TimeSpan.FromHours(1));
        var duration = new Option<TimeSpan?>("--duration", "-d")
        {
            Description = "Stop after this long (default: until Ctrl+C or the process exits).",
            HelpName = "duration",
            CustomParser = r => ParseDuration(r),
        };
        var cpuMax = new Option<int?>("--cpu-max", "-cpu-max")
        {
            Description = "Dump nothing while the process's CPU (percent of all its processors) is at or above this.",
            HelpName = "percent",
            CustomParser = r => ParseCount(r, "cpu-max", allowZero: false),
        };
        var maxDumps = new Option<int?>("--max-dumps", "-max-dumps")
        {
            Description = "At most this many dumps per -rate-window, all rules together. Default 10.",
            HelpName = "n",
            CustomParser = r => ParseCount(r, "max-dumps", allowZero: false),
        };
        var memoryLimit = new Option<long?>("--memory-limit", "-memory-limit")
        {
            Description = "The memory limit -mem and -gcheap are percentages of, in bytes or with a unit (512MB, 2GB; powers of 1024). Default: the cgroup's limit, else the machine's memory.",
            HelpName = "size",
            CustomParser = r =>
            {
                string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (TryParseSize(text, out long bytes)) return bytes;
                r.AddError($"invalid -memory-limit \"{text}\" (examples: 536870912, 512MB, 2GB)");
                return null;
            },
        };
        var reportUrl = new Option<Uri?>("--report-url", "-report-url")
        {
            Description = "POST each profile to this http(s) URL as multipart/form-data (fields kind, time, reason and the file profile) instead of writing it to -o; 30 s timeout, 3 attempts.",
            HelpName = "url",
            CustomParser = r =>
            {
                string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (Uri.TryCreate(text, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)) return u;
                r.AddError($"invalid -report-url \"{text}\" (an http:// or https:// URL)");
                return null;
            },
        };
        var rules = new List<(WatchdogTrigger Trigger, Option<WatchdogRule?> Option)>();
        foreach (var (trigger, help) in new[]
        {
            (WatchdogTrigger.Cpu, "CPU, percent of all the process's processors; dumps a cpu profile (holmes' default 10,25,80)."),
            (WatchdogTrigger.Memory, "RSS, percent of the memory limit (cgroup, else machine); dumps two retention snapshots one full GC apart."),
            (WatchdogTrigger.GcHeap, "GC heap after the last GC, percent of the memory limit; dumps two retention snapshots."),
            (WatchdogTrigger.Goroutine, "threads + thread-pool queue length, MIN,DIFF,ABS[,MAX]; dumps a goroutine profile."),
            (WatchdogTrigger.Thread, "OS threads; dumps a goroutine profile."),
            (WatchdogTrigger.ThreadPoolQueue, "thread-pool queue length; dumps a cpu profile."),
            (WatchdogTrigger.Exceptions, "exceptions per second; dumps an exceptions profile."),
            (WatchdogTrigger.Contention, "lock contentions per second; dumps a mutex profile."),
            (WatchdogTrigger.GcPause, "milliseconds paused for GC in the interval; dumps an allocs profile."),
        })
        {
            string name = Watchdog.Name(trigger);
            rules.Add((trigger, new Option<WatchdogRule?>("--" + name, "-" + name)
            {
                Description = "Rule MIN,DIFF,ABS on " + help,
                HelpName = "min,diff,abs",
                CustomParser = r =>
                {
                    string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                    if (WatchdogRule.TryParse(text, out var rule) && (rule!.Max == null || trigger == WatchdogTrigger.Goroutine)) return rule;
                    r.AddError($"invalid rule -{name} \"{text}\" (MIN,DIFF,ABS{(trigger == WatchdogTrigger.Goroutine ? "[,MAX]" : "")}: whole numbers, e.g. 10,25,80)");
                    return null;
                },
            }));
        }
        var watch = new Command("watch", "Watches a running .NET process like holmes: every interval it reads CPU, memory, GC heap, threads, thread pool, exceptions, contention and GC pauses, and when a rule MIN,DIFF,ABS fires (value >= MIN and either > ABS or >= the average of the last 10 values x (100+DIFF)/100; nothing before 10 values) it writes the matching profile to -o. Every decision is logged on standard error.");
        target.AddTo(watch);
        watch.Add(output);
        watch.Add(interval);
        watch.Add(cooldown);
        watch.Add(cpuMax);
        watch.Add(profileDuration);
        watch.Add(maxDumps);
        watch.Add(rateWindow);
        watch.Add(duration);
        watch.Add(memoryLimit);
        watch.Add(reportUrl);
        foreach (var (_, o) in rules) watch.Add(o);
        watch.SetAction(r =>
        {
            var options = new WatchdogOptions
            {
                Interval = r.GetValue(interval),
                Cooldown = r.GetValue(cooldown),
                CpuMax = r.GetValue(cpuMax),
                ProfileDuration = r.GetValue(profileDuration),
                MaxDumps = r.GetValue(maxDumps) ?? 10,
                RateWindow = r.GetValue(rateWindow),
                MemoryLimitBytes = r.GetValue(memoryLimit),
                OutputDirectory = r.GetValue(output)!,
                Log = line =>
                {
                    lock (context.Err) context.Err.WriteLine(line);
                },
            };
            foreach (var (trigger, o) in rules)
            {
                if (r.GetValue(o) is { } rule) options.Rules[trigger] = rule;
            }
            if (options.Rules.Count == 0) throw new Pprof.Runtime.ProfilerException("no rule given: set at least one of -cpu, -mem, -gcheap, -goroutine, -thread, -threadpool-queue, -exceptions, -contention, -gc-pause");
            if (r.GetValue(reportUrl) is { } url) options.Reporter = new HttpWatchdogReporter(url);
            Directory.CreateDirectory(options.OutputDirectory);
            return LaunchedTarget.RunOn(target, r, context, pid =>
            {
                options.ProcessId = pid;
                return Run(options, r.GetValue(duration), context);
            });
        });
        return watch;
    }

    private static int Run(WatchdogOptions options, TimeSpan? duration, VerbContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        if (duration is TimeSpan d) stop.CancelAfter(d);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = !stop.IsCancellationRequested;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var dog = Watchdog.Start(options);
            try
            {
                Task.WaitAny(new[] { dog.Completion }, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
            dog.DisposeAsync().AsTask().GetAwaiter().GetResult();
            if (dog.Completion.IsFaulted && dog.Completion.Exception?.InnerException is Pprof.Runtime.ProfilerException pe) throw pe;
            return 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static Option<TimeSpan> DurationOption(string name, string alias, string description, TimeSpan def) => new(name, alias)
    {
        Description = description,
        HelpName = "duration",
        DefaultValueFactory = _ => def,
        CustomParser = r => ParseDuration(r) ?? default,
    };

    private static TimeSpan? ParseDuration(ArgumentResult r) =>
        CollectCommands.ParseDurationOption(r, "duration", "at least 100ms; examples: 5s, 1m, 500ms, 00:00:30", TimeSpan.FromMilliseconds(100));

    private static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        int i = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        if (i == 0 || i > 15 || !long.TryParse(text.AsSpan(0, i), NumberStyles.None, CultureInfo.InvariantCulture, out long n)) return false;
        long unit = text[i..].ToUpperInvariant() switch
        {
            "" or "B" => 1, "KB" or "K" => 1L << 10, "MB" or "M" => 1L << 20, "GB" or "G" => 1L << 30, "TB" or "T" => 1L << 40,
            _ => 0,
        };
        if (unit == 0 || n == 0 || n > long.MaxValue / unit) return false;
        bytes = n * unit;
        return true;
    }

    private static int? ParseCount(ArgumentResult r, string name, bool allowZero)
    {
        string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && (n > 0 || allowZero)) return n;
        r.AddError($"invalid -{name} \"{text}\" (a positive whole number)");
        return null;
    }
}
