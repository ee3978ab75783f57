using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Pprof.Runtime.Stats;

namespace Pprof.Runtime.Dashboard;

/// <summary>The live dashboard's WebSocket messages, one JSON text message each, shared by ASP.NET Core's
/// <c>MapStatsviz</c> and <c>dotnet-pprof dashboard</c>. First a hello:
/// <c>{"type":"hello","pid":N,"source":"in-process","intervalMs":1000,"note":"...","captures":[{"kind","label","url"}]}</c>;
/// then one <c>{"type":"stats",...}</c> per interval with the fields of <see cref="RuntimeStats"/> (times in Unix
/// milliseconds, sizes in bytes, rates per second, null when the source cannot tell) and the GCs of the interval by
/// generation (<c>gcs</c>: [gen0, gen1, gen2]) with their pause (<c>gcPauseMs</c>), which the page marks on every
/// chart.</summary>
public static class DashboardProtocol
{
    /// <summary>How long one message may take to send before the client is given up as stalled.</summary>
    public static TimeSpan SendTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>The hello message.</summary>
    /// <param name="processId">The watched process.</param>
    /// <param name="source">"in-process" or "out-of-process".</param>
    /// <param name="interval">Time between stats messages.</param>
    /// <param name="captures">The capture buttons.</param>
    /// <param name="note">A line shown under the buttons (for example why there are none); null for none.</param>
    public static byte[] Hello(int processId, string source, TimeSpan interval, IReadOnlyList<DashboardCapture> captures, string? note)
    {
        ArgumentNullException.ThrowIfNull(captures);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "hello");
            w.WriteNumber("pid", processId);
            w.WriteString("source", source);
            w.WriteNumber("intervalMs", (long)interval.TotalMilliseconds);
            if (note != null) w.WriteString("note", note);
            else w.WriteNull("note");
            w.WriteStartArray("captures");
            foreach (var c in captures)
            {
                w.WriteStartObject();
                w.WriteString("kind", c.Kind);
                w.WriteString("label", c.Label);
                w.WriteString("url", c.Url);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The stats message of <paramref name="stats"/>; the GCs of the interval are its collection counts less
    /// <paramref name="previous"/>'s (none for the first message).</summary>
    public static byte[] Stats(RuntimeStats stats, RuntimeStats? previous)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "stats");
            w.WriteNumber("t", new DateTimeOffset(DateTime.SpecifyKind(stats.Time, DateTimeKind.Utc)).ToUnixTimeMilliseconds());
            Num(w, "cpu", stats.CpuPercent);
            Num(w, "cpuMachine", stats.CpuPercentOfMachine);
            Num(w, "rss", stats.RssBytes);
            Num(w, "limit", stats.MemoryLimitBytes);
            Num(w, "heap", stats.GcHeapSizeBytes);
            Num(w, "gen0", stats.Gen0SizeBytes);
            Num(w, "gen1", stats.Gen1SizeBytes);
            Num(w, "gen2", stats.Gen2SizeBytes);
            Num(w, "loh", stats.LohSizeBytes);
            Num(w, "poh", stats.PohSizeBytes);
            Num(w, "committed", stats.CommittedBytes);
            Num(w, "fragmented", stats.FragmentedBytes);
            Num(w, "allocRate", stats.AllocationRateBytesPerSecond);
            Num(w, "gcPausePercent", stats.GcPausePercent);
            double? pauseMs = previous?.GcPauseTime is TimeSpan p0 && stats.GcPauseTime is TimeSpan p1 ? Math.Max(0, (p1 - p0).TotalMilliseconds) : null;
            Num(w, "gcPauseMs", pauseMs);
            w.WriteStartArray("gcs");
            w.WriteNumberValue(Delta(stats.Gen0Collections, previous?.Gen0Collections));
            w.WriteNumberValue(Delta(stats.Gen1Collections, previous?.Gen1Collections));
            w.WriteNumberValue(Delta(stats.Gen2Collections, previous?.Gen2Collections));
            w.WriteEndArray();
            Num(w, "threads", stats.ThreadCount);
            Num(w, "threadPoolThreads", stats.ThreadPoolThreads);
            Num(w, "threadPoolQueue", stats.ThreadPoolQueueLength);
            Num(w, "threadPoolCompletedRate", stats.ThreadPoolCompletedPerSecond);
            Num(w, "lockContentionRate", stats.LockContentionsPerSecond);
            Num(w, "exceptionRate", stats.ExceptionsPerSecond);
            Num(w, "timers", stats.Timers);
            Num(w, "jitMethods", stats.JitCompiledMethods);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static long Delta(long? now, long? before) => now is long a && before is long b ? Math.Max(0, a - b) : 0;

    private static void Num(Utf8JsonWriter w, string name, double? value)
    {
        if (value is double d && double.IsFinite(d)) w.WriteNumber(name, Math.Round(d, 3));
        else w.WriteNull(name);
    }

    private static void Num(Utf8JsonWriter w, string name, long? value)
    {
        if (value is long l) w.WriteNumber(name, l);
        else w.WriteNull(name);
    }

    /// <summary>Serves one dashboard client on an accepted WebSocket: the hello, then a stats message for each of
    /// <paramref name="stats"/>, until the client closes, a send stalls for <see cref="SendTimeout"/>,
    /// <paramref name="stats"/> ends (the process exited: the socket is then closed normally) or
    /// <paramref name="cancellationToken"/> is cancelled. Messages the client sends are read and ignored (at most
    /// 4 KiB each).</summary>
    public static async Task ServeAsync(WebSocket socket, byte[] hello, IAsyncEnumerable<RuntimeStats> stats, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(hello);
        ArgumentNullException.ThrowIfNull(stats);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The client's close (or a broken connection) ends the stream of stats.
        var receive = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            try
            {
                while (!done.IsCancellationRequested)
                {
                    var r = await socket.ReceiveAsync(buffer, done.Token).ConfigureAwait(false);
                    if (r.MessageType == WebSocketMessageType.Close) break;
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
            done.Cancel();
        }, CancellationToken.None);
        try
        {
            await Send(socket, hello, done.Token).ConfigureAwait(false);
            RuntimeStats? previous = null;
            await foreach (var s in stats.WithCancellation(done.Token).ConfigureAwait(false))
            {
                await Send(socket, Stats(s, previous), done.Token).ConfigureAwait(false);
                previous = s;
            }
            if (!done.IsCancellationRequested && socket.State == WebSocketState.Open)
            {
                using var close = new CancellationTokenSource(SendTimeout);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "process exited", close.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client went away or stalled.
        }
        finally
        {
            done.Cancel();
            await receive.ConfigureAwait(false);
            // The client closed: complete the handshake. Anything else still open is cut.
            if (socket.State == WebSocketState.CloseReceived)
            {
                try
                {
                    using var close = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", close.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
                {
                }
            }
            if (socket.State == WebSocketState.Open) socket.Abort();
        }
    }

    private static async Task Send(WebSocket socket, byte[] message, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SendTimeout);
        await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, timeout.Token).ConfigureAwait(false);
    }
}
