using System.Diagnostics;
using Pprof.Profiles.Fuzzing;

namespace PprofFuzz;

/// <summary>Fuzz harness for Profile.Parse. Usage:
///   Pprof.Fuzz [--seconds N] [--count N] [--seed N] [--corpus DIR] [--out DIR] [--timeout-ms N]
///   Pprof.Fuzz --replay FILE...
///   Pprof.Fuzz --bench [FILE] [--samples N]   (decoder benchmark; generates FILE when missing)
/// Mutates the corpus (default: the conformance pack's profiles) and checks each input parses to a valid profile or
/// fails with ProfileFormatException, within the timeout. Failing inputs are saved to the output directory (default
/// ./fuzz-crashes) and can be replayed. Exit status 1 when anything failed.</summary>
internal static class Program
{
    /// <summary>The conformance pack's profiles, beside the repository as <c>../shared/conformance/pprof/profiles</c>.</summary>
    private static string DefaultCorpus([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "shared", "conformance", "pprof", "profiles"));

    private static int Main(string[] args)
    {
        double seconds = 60;
        long count = long.MaxValue;
        int seed = Environment.TickCount;
        string corpus = DefaultCorpus();
        string outDir = "fuzz-crashes";
        int timeoutMs = 5000;
        var replay = new List<string>();
        string? bench = null;
        int benchSamples = 1_000_000;
        for (int i = 0; i < args.Length; i++)
        {
            string Arg() => i + 1 < args.Length ? args[++i] : throw new ArgumentException("missing value for " + args[i]);
            switch (args[i])
            {
                case "--seconds": seconds = double.Parse(Arg(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--count": count = long.Parse(Arg(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(Arg(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--corpus": corpus = Arg(); break;
                case "--out": outDir = Arg(); break;
                case "--timeout-ms": timeoutMs = int.Parse(Arg(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--bench":
                    bench = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "/tmp/pprof-bench-1m.pb.gz";
                    break;
                case "--samples": benchSamples = int.Parse(Arg(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--replay":
                    while (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) replay.Add(args[++i]);
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument {args[i]}");
                    return 2;
            }
        }
        if (bench != null) return Bench.Run(bench, benchSamples);
        if (replay.Count > 0) return Replay(replay, timeoutMs);

        var seeds = FuzzMutator.LoadSeeds(corpus);
        if (seeds.Count == 0)
        {
            Console.Error.WriteLine($"no seeds in {corpus}");
            return 2;
        }
        var mutator = new FuzzMutator(seeds, seed);
        Console.WriteLine($"seed {seed}, {seeds.Count} corpus files, {seconds}s or {(count == long.MaxValue ? "unlimited" : count.ToString())} inputs");
        var sw = Stopwatch.StartNew();
        long n = 0, failures = 0;
        while (n < count && sw.Elapsed.TotalSeconds < seconds)
        {
            var input = mutator.Next();
            n++;
            string? problem = Run(input, timeoutMs);
            if (problem == null) continue;
            failures++;
            Directory.CreateDirectory(outDir);
            string path = Path.Combine(outDir, $"crash-{seed}-{n}.bin");
            File.WriteAllBytes(path, input);
            Console.WriteLine($"FAIL #{n}: {FirstLine(problem)} -> {path}");
        }
        Console.WriteLine($"{n} inputs in {sw.Elapsed.TotalSeconds:F1}s, {failures} failures");
        return failures == 0 ? 0 : 1;
    }

    private static int Replay(List<string> files, int timeoutMs)
    {
        int failures = 0;
        foreach (var f in files)
        {
            string? problem = Run(File.ReadAllBytes(f), timeoutMs);
            Console.WriteLine(problem == null ? $"ok   {f}" : $"FAIL {f}\n{problem}");
            if (problem != null) failures++;
        }
        return failures == 0 ? 0 : 1;
    }

    private static string? Run(byte[] input, int timeoutMs)
    {
        var task = Task.Run(() => FuzzMutator.Check(input));
        if (!task.Wait(timeoutMs)) return $"timeout: no result after {timeoutMs} ms";
        return task.Result;
    }

    private static string FirstLine(string s)
    {
        int nl = s.IndexOf('\n');
        return nl < 0 ? s : s.Substring(0, nl);
    }
}
