using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;
using Pprof.Runtime;

namespace Pprof.Cli.Collect;

/// <summary>The .NET verbs <c>ps</c>, <c>collect KIND</c>, <c>memstats</c>, <c>stats</c>, <c>gctrace</c> and <c>watch</c>, parsed by System.CommandLine with the
/// conventions of dotnet-trace and dotnet-counters (<c>-p|--process-id</c>, <c>-n|--name</c>, <c>--diagnostic-port</c>,
/// <c>-d|--duration</c>, <c>-o|--output</c>, <c>-h|--help</c>, <c>-- COMMAND</c>). Everything else on the command line is
/// pprof's own, parsed exactly as Go's.</summary>
internal static class CollectCommands
{
    private static readonly string[] s_verbs = { "ps", "collect", "memstats", "leaks", "stats", "gctrace", "watch", "dashboard", "agent" };

    /// <summary>The watching verbs that also take <c>-- COMMAND</c> (<see cref="LaunchedTarget"/>).</summary>
    private static readonly string[] s_launchVerbs = { "stats", "gctrace", "watch", "dashboard" };

    /// <summary>True when <paramref name="args"/> starts with one of these verbs.</summary>
    public static bool Handles(string[] args) => args.Length > 0 && s_verbs.Contains(args[0], StringComparer.Ordinal);

    /// <summary>Runs the verb and returns the process exit status (for launch mode, the command's).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!Handles(args))
        {
            stderr.WriteLine("dotnet-pprof: unknown subcommand");
            return 2;
        }
        // Launch mode: what follows "--" is the command to start, never parsed as options.
        int dash = Array.IndexOf(args, "--");
        string[] own = dash < 0 ? args : args[..dash];
        string[] command = dash < 0 ? Array.Empty<string>() : args[(dash + 1)..];
        var context = new VerbContext(stdout, stderr, command, cancellationToken);
        var root = new RootCommand("dotnet-pprof's .NET verbs: find .NET processes, collect runtime profiles, read memory statistics.")
        {
            PsCommand.Create(context),
            CollectCommand.Create(context),
            MemStatsCommand.Create(context),
            Leaks.LeaksCommand.Create(context),
            StatsCommand.Create(context),
            GcTraceCommand.Create(context),
            WatchCommand.Create(context),
            Dashboard.DashboardCommand.Create(context),
            Agent.AgentCommand.Create(context),
        };
        var help = root.Options.OfType<HelpOption>().First();
        help.Action = new VerbHelpAction(help.Action!);
        var result = root.Parse(own);
        if (command.Length > 0 && result.Errors.Count == 0 && !result.CommandResult.Command.Parents.Any(p => p.Name == "collect")
            && !s_launchVerbs.Contains(result.CommandResult.Command.Name, StringComparer.Ordinal))
        {
            stderr.WriteLine($"dotnet-pprof {args[0]}: -- COMMAND is only for collect, stats, gctrace, watch and dashboard");
            return 2;
        }
        try
        {
            return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
        }
        catch (ProfilerException e)
        {
            stderr.WriteLine($"dotnet-pprof {args[0]}: {e.Message}");
            return 1;
        }
    }

    /// <summary>The value of a duration option (<see cref="TryParseDuration"/>, at least <paramref name="minimum"/>), or
    /// null after adding one error: <c>invalid WHAT "TEXT" (HINT)</c>.</summary>
    internal static TimeSpan? ParseDurationOption(ArgumentResult r, string what, string hint, TimeSpan minimum = default)
    {
        string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        if (TryParseDuration(text, out var d) && d >= minimum) return d;
        r.AddError($"invalid {what} \"{text}\" ({hint})");
        return null;
    }

    /// <summary>Parses a duration: Go style (<c>30s</c>, <c>1m30s</c>, <c>500ms</c>), dotnet-trace's <c>hh:mm:ss</c>
    /// (or <c>d.hh:mm:ss</c>), or plain seconds.</summary>
    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text.Contains(':'))
        {
            if (!TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var span) || span <= TimeSpan.Zero || span.TotalSeconds > 1e7) return false;
            duration = span;
            return true;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double secs))
        {
            if (secs <= 0 || double.IsNaN(secs) || secs > 1e7) return false;
            duration = TimeSpan.FromSeconds(secs);
            return true;
        }
        int i = 0;
        double total = 0;
        bool any = false;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (start == i || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return false;
            int us = i;
            while (i < text.Length && char.IsAsciiLetter(text[i])) i++;
            double unit = text[us..i] switch
            {
                "ns" => 1e-9, "us" or "µs" => 1e-6, "ms" => 1e-3, "s" => 1, "m" => 60, "h" => 3600,
                _ => double.NaN,
            };
            if (double.IsNaN(unit)) return false;
            total += v * unit;
            any = true;
        }
        if (!any || total <= 0 || total > 1e7) return false;
        duration = TimeSpan.FromSeconds(total);
        return true;
    }
}
