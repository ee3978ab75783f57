using System.Globalization;
using Pprof.Runtime;
using Pprof.Runtime.Internal;

namespace Pprof.Cli.Collect;

/// <summary>The process-facing subcommands: <c>ps</c>, <c>collect</c>, <c>memstats</c>.</summary>
internal static class CollectCommands
{
    private static readonly Dictionary<string, Func<string[], TextWriter, TextWriter, CancellationToken, int>> s_commands = new(StringComparer.Ordinal)
    {
        ["ps"] = (a, o, e, ct) => PsCommand.Run(a, o, e),
        ["collect"] = CollectCommand.Run,
        ["memstats"] = MemStatsCommand.Run,
    };

    /// <summary>Adds a subcommand (for example <c>memstats</c>, from another part of the project).</summary>
    internal static void Register(string name, Func<string[], TextWriter, TextWriter, CancellationToken, int> run) => s_commands[name] = run;

    /// <summary>True when <paramref name="args"/> starts with one of these subcommands.</summary>
    public static bool Handles(string[] args) => args.Length > 0 && s_commands.ContainsKey(args[0]);

    /// <summary>Runs the subcommand and returns the process exit status.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!Handles(args))
        {
            stderr.WriteLine("dotnet-pprof: unknown subcommand");
            return 2;
        }
        try
        {
            return s_commands[args[0]](args[1..], stdout, stderr, cancellationToken);
        }
        catch (ProfilerException e)
        {
            stderr.WriteLine($"dotnet-pprof {args[0]}: {e.Message}");
            return 1;
        }
    }

    /// <summary>Parses a duration: Go style (<c>30s</c>, <c>1m30s</c>, <c>500ms</c>) or plain seconds.</summary>
    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
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
