using Pprof.Profiles;
using System.Diagnostics;
using System.Globalization;
using Pprof.Runtime;
using Pprof.Runtime.Internal;

namespace Pprof.Cli.Collect;

/// <summary><c>dotnet-pprof collect KIND -p PID [-d 30s] [-o FILE]</c>: collects a runtime profile from a running .NET
/// process with a progress line; Ctrl+C stops early and still writes the profile.</summary>
internal static class CollectCommand
{
    private static string Usage()
    {
        var kinds = string.Join("\n", ProfileKinds.All.Select(e => $"  {e.Name,-13} {e.Description}"));
        return "usage: dotnet-pprof collect KIND -p PID [-d DURATION] [-o FILE]\n\n" +
               "Collects a profile from a running .NET process (no change to the process needed) and writes it as a\n" +
               "gzipped profile.proto that dotnet-pprof, go tool pprof, Pyroscope and speedscope read.\n\n" +
               "Kinds:\n" + kinds + "\n\n" +
               "Options:\n" +
               "  -p, --pid PID          the process (see dotnet-pprof ps)\n" +
               "  -d, --duration DUR     how long to collect (30s, 1m, 500ms; default 30s); Ctrl+C stops early\n" +
               "  -o, --output FILE      where to write (default KIND-PID-TIME.pb.gz; - for stdout)\n";
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string? kind = null, output = null;
        int pid = 0;
        var duration = TimeSpan.FromSeconds(30);
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string? Value()
            {
                int eq = a.IndexOf('=');
                if (a.StartsWith('-') && eq > 0) return a[(eq + 1)..];
                return ++i < args.Length ? args[i] : null;
            }
            string flag = a.StartsWith('-') && a.IndexOf('=') is int e and > 0 ? a[..e] : a;
            switch (flag)
            {
                case "-h" or "--help" or "-help":
                    stdout.Write(Usage());
                    return 0;
                case "-p" or "--pid" or "-pid":
                {
                    string? v = Value();
                    if (v == null || !int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out pid) || pid <= 0)
                    {
                        stderr.WriteLine($"dotnet-pprof collect: invalid pid \"{v}\"");
                        return 2;
                    }
                    break;
                }
                case "-d" or "--duration" or "-duration" or "-seconds":
                {
                    string? v = Value();
                    if (v == null || !CollectCommands.TryParseDuration(v, out duration))
                    {
                        stderr.WriteLine($"dotnet-pprof collect: invalid duration \"{v}\" (examples: 30s, 1m, 500ms)");
                        return 2;
                    }
                    break;
                }
                case "-o" or "--output" or "-output":
                    output = Value();
                    if (string.IsNullOrEmpty(output))
                    {
                        stderr.WriteLine("dotnet-pprof collect: -o needs a file name");
                        return 2;
                    }
                    break;
                default:
                    if (a.StartsWith('-') && a != "-")
                    {
                        stderr.WriteLine($"dotnet-pprof collect: unknown flag {a}");
                        return 2;
                    }
                    if (kind != null)
                    {
                        stderr.WriteLine($"dotnet-pprof collect: unexpected argument {a}");
                        return 2;
                    }
                    kind = a;
                    break;
            }
        }
        if (kind == null)
        {
            stderr.Write(Usage());
            return 2;
        }
        if (ProfileKinds.Find(kind) == null)
        {
            stderr.WriteLine($"dotnet-pprof collect: unknown profile kind \"{kind}\" (known: {string.Join(", ", RuntimeProfiles.KindNames)})");
            return 2;
        }
        if (pid == 0)
        {
            stderr.WriteLine("dotnet-pprof collect: -p PID is required (see dotnet-pprof ps)");
            return 2;
        }
        output ??= $"{kind}-{pid}-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.pb.gz";

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            bool interactive = !Console.IsErrorRedirected;
            var progress = new ProgressLine(stderr, kind, pid, duration, interactive);
            Profile profile;
            try
            {
                profile = RuntimeProfiles.CollectAsync(pid, kind, duration, progress, cts.Token).GetAwaiter().GetResult();
            }
            finally
            {
                progress.Finish();
            }
            // Problems (lost events, a partial profile, a forced stop) go to stderr too; descriptive comments do not.
            foreach (var c in profile.Comments.Skip(1).Where(c => !c.StartsWith("cpu time:", StringComparison.Ordinal))) stderr.WriteLine("dotnet-pprof collect: " + c);
            if (output == "-")
            {
                using var o = Console.OpenStandardOutput();
                profile.Write(o);
            }
            else
            {
                using var f = File.Create(output);
                profile.Write(f);
            }
            stderr.WriteLine($"dotnet-pprof collect: wrote {kind} profile ({profile.Samples.Count} samples, {profile.DurationNanos / 1e9:0.0}s) to {output}");
            return 0;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"dotnet-pprof collect: {e.Message}");
            return 1;
        }
        catch (UnauthorizedAccessException e)
        {
            stderr.WriteLine($"dotnet-pprof collect: {e.Message}");
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The progress display: a line rewritten in place on a terminal, a line every 10 s otherwise.</summary>
    private sealed class ProgressLine : IProgress<TimeSpan>
    {
        private readonly TextWriter _err;
        private readonly string _kind;
        private readonly int _pid;
        private readonly TimeSpan _duration;
        private readonly bool _interactive;
        private long _lastPrinted = -1;
        private bool _drawn;

        public ProgressLine(TextWriter err, string kind, int pid, TimeSpan duration, bool interactive)
        {
            _err = err;
            _kind = kind;
            _pid = pid;
            _duration = duration;
            _interactive = interactive;
        }

        public void Report(TimeSpan elapsed)
        {
            lock (this)
            {
                if (_interactive)
                {
                    _err.Write(string.Create(CultureInfo.InvariantCulture, $"\rcollecting {_kind} from pid {_pid}: {elapsed.TotalSeconds,5:0.0}s / {_duration.TotalSeconds:0.#}s (Ctrl+C to stop early) "));
                    _drawn = true;
                }
                else
                {
                    long tens = (long)elapsed.TotalSeconds / 10;
                    if (tens == _lastPrinted) return;
                    _lastPrinted = tens;
                    _err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"collecting {_kind} from pid {_pid}: {elapsed.TotalSeconds:0}s / {_duration.TotalSeconds:0.#}s"));
                }
            }
        }

        public void Finish()
        {
            lock (this)
            {
                if (_drawn) _err.WriteLine();
                _drawn = false;
            }
        }
    }
}
