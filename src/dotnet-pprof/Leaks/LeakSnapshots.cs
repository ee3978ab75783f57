using System.Globalization;
using Pprof.Cli.Collect;
using Pprof.Profiles;
using Pprof.Runtime;

namespace Pprof.Cli.Leaks;

/// <summary>Takes the snapshots of <c>dotnet-pprof leaks -p PID</c> through the public <see cref="RuntimeProfiles"/>
/// API and writes each to a file. A snapshot kind (<c>retention</c>) is taken <c>-n</c> times, <c>-interval</c> apart.
/// An event kind (<c>heap</c>: allocations sampled over a window, those still live at its end) runs <c>-n</c>
/// collections that start together and end one interval after another, so that each snapshot covers everything since
/// the first start, as a heap profile of a process that samples from its start does. Ctrl+C stops; the snapshots
/// complete by then are analysed when there are three or more.</summary>
internal static class LeakSnapshots
{
    private const string Prefix = "dotnet-pprof leaks: ";

    /// <summary>The snapshots in time order, or null (one line on stderr says why) when fewer than three were taken.</summary>
    public static List<Profile>? Take(int pid, RuntimeProfileKind kind, int count, TimeSpan interval, string dir, VerbContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // The first Ctrl+C stops taking snapshots; a second one ends dotnet-pprof at once.
            e.Cancel = !stop.IsCancellationRequested;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var taken = kind.IsSnapshot ? Snapshots(pid, kind, count, interval, context, stop.Token) : Windows(pid, kind, count, interval, context, stop.Token);
            if (taken == null) return null;
            if (taken.Count < 3)
            {
                context.Err.WriteLine(Prefix + $"stopped after {taken.Count} of {count} snapshots: a leak report needs three; nothing was written");
                return null;
            }
            if (taken.Count < count) context.Err.WriteLine(Prefix + $"stopped after {taken.Count} of {count} snapshots; the report covers those");
            string time = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            for (int i = 0; i < taken.Count; i++)
            {
                string path = Path.Combine(dir, $"{kind.Name}-{pid}-{time}-{i + 1}.pb.gz");
                try
                {
                    using var file = File.Create(path);
                    taken[i].Write(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    context.Err.WriteLine(Prefix + $"writing {path}: {e.Message}");
                    return null;
                }
                context.Err.WriteLine(Prefix + $"wrote snapshot {i + 1} to {path}");
            }
            return taken;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static List<Profile>? Snapshots(int pid, RuntimeProfileKind kind, int count, TimeSpan interval, VerbContext context, CancellationToken ct)
    {
        var taken = new List<Profile>(count);
        var start = DateTime.UtcNow;
        for (int i = 0; i < count && !ct.IsCancellationRequested; i++)
        {
            var due = start + interval * i;
            if (due > DateTime.UtcNow)
            {
                using var wait = new ProgressLine(context.Err, Interactive, $"waiting for {kind.Name} snapshot {i + 1} of {count} of pid {pid}", due - DateTime.UtcNow, "Ctrl+C stops and reports the snapshots taken");
                try
                {
                    Task.Delay(due - DateTime.UtcNow, ct).GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            using (var progress = new ProgressLine(context.Err, Interactive, $"taking {kind.Name} snapshot {i + 1} of {count} of pid {pid}", null, "Ctrl+C stops and reports the snapshots taken"))
            {
                try
                {
                    taken.Add(kind.Name == "retention"
                        ? Pprof.Runtime.Heap.HeapProfiler.Collect(pid, null, progress, ct)
                        : RuntimeProfiles.CollectAsync(pid, kind.Name, TimeSpan.Zero, progress, ct).GetAwaiter().GetResult());
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (ProfilerException e)
                {
                    context.Err.WriteLine(Prefix + $"snapshot {i + 1}: {e.Message}" + (taken.Count > 0 ? $" (after {taken.Count} snapshots); nothing was written" : "; nothing was written"));
                    return null;
                }
            }
            if (!Interactive) context.Err.WriteLine(Prefix + $"took snapshot {i + 1} of {count}");
        }
        return taken;
    }

    private static List<Profile>? Windows(int pid, RuntimeProfileKind kind, int count, TimeSpan interval, VerbContext context, CancellationToken ct)
    {
        using var progress = new ProgressLine(context.Err, Interactive, $"collecting {count} {kind.Name} windows of pid {pid}, one ending every {interval.TotalSeconds:0.#}s", interval * count, "Ctrl+C stops and reports the windows complete");
        var done = new bool[count];
        var windows = Enumerable.Range(1, count).Select(i => Task.Run(async () =>
        {
            var p = await RuntimeProfiles.CollectAsync(pid, kind.Name, interval * i, i == 1 ? progress : null, ct).ConfigureAwait(false);
            done[i - 1] = !ct.IsCancellationRequested;
            return p;
        })).ToArray();
        try
        {
            Task.WhenAll(windows).GetAwaiter().GetResult();
        }
        catch (ProfilerException e)
        {
            context.Err.WriteLine(Prefix + $"{e.Message}; nothing was written");
            return null;
        }
        catch (OperationCanceledException)
        {
            // The windows complete before the cancellation are kept below.
        }
        var taken = new List<Profile>();
        for (int i = 0; i < count && done[i] && windows[i].IsCompletedSuccessfully; i++) taken.Add(windows[i].Result);
        return taken;
    }

    private static bool Interactive => !Console.IsErrorRedirected;
}
