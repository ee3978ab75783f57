using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Analysis;
using Microsoft.Diagnostics.Tracing.Analysis.GC;
using Microsoft.Diagnostics.Tracing.EventPipe;
using Microsoft.Diagnostics.Tracing.Parsers;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime.Stats;

/// <summary>Traces the garbage collections of a running .NET process over EventPipe (the runtime provider's GC
/// keyword at informational level: a few events per GC, cheap enough to leave on): one <see cref="GcEvent"/> per GC,
/// as it ends. The counterpart of Go's <c>GODEBUG=gctrace=1</c>, without restarting the process.</summary>
public static class GcTrace
{
    /// <summary>The GCs of process <paramref name="processId"/> as they end, until <paramref name="cancellationToken"/>
    /// is cancelled or the process exits (the enumeration then ends without an exception). Throws
    /// <see cref="ProfilerException"/> when the process cannot be attached to.</summary>
    public static async IAsyncEnumerable<GcEvent> WatchAsync(int processId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        DateTime processStart = ProcessStart(processId);
        var providers = new[] { new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC) };
        EventPipeSession session;
        try
        {
            session = ProcessDiscovery.Connect(processId).StartEventPipeSession(providers, requestRundown: false, circularBufferMB: 16);
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or ServerErrorException or IOException or TimeoutException)
        {
            throw ProcessDiscovery.Explain(processId, e);
        }
        var channel = Channel.CreateBounded<GcEvent>(new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var done = new ManualResetEventSlim(false);
        var source = new EventPipeEventSource(session.EventStream);
        double pausedMs = 0;
        source.NeedLoadedDotNetRuntimes();
        source.AddCallbackOnProcessStart(process => process.AddCallbackOnDotNetRuntimeLoad(runtime => runtime.GCEnd += (_, gc) =>
        {
            pausedMs += gc.PauseDurationMSec;
            channel.Writer.TryWrite(ToEvent(gc, source, processStart, pausedMs));
        }));
        var reader = new Thread(() =>
        {
            try
            {
                source.Process();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or EndOfStreamException or InvalidOperationException or FormatException)
            {
                // The stream ended or was closed.
            }
            finally
            {
                done.Set();
                channel.Writer.TryComplete();
            }
        }) { IsBackground = true, Name = "pprof-gctrace" };
        reader.Start();
        try
        {
            while (true)
            {
                GcEvent? gc;
                try
                {
                    if (!await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false)) yield break;
                    if (!channel.Reader.TryRead(out gc)) continue;
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
                yield return gc;
            }
        }
        finally
        {
            SelfSessionStop.Stop(session, done.WaitHandle, TimeSpan.FromSeconds(5));
            if (!done.Wait(TimeSpan.FromSeconds(5))) source.StopProcessing();
            SelfSessionStop.Close(session);
            source.Dispose();
        }
    }

    private static GcEvent ToEvent(TraceGC gc, EventPipeEventSource source, DateTime processStart, double pausedMs)
    {
        DateTime start = source.SessionStartTime.ToUniversalTime().AddMilliseconds(gc.StartRelativeMSec);
        // Both on the session's clock: from the session's start to this GC's end.
        double sinceTrace = gc.StartRelativeMSec + gc.DurationMSec;
        long? committed = null;
        if (gc.CommittedUsageAfter is { } c)
        {
            committed = (long)(c.TotalCommittedInUse + c.TotalCommittedInGlobalDecommit + c.TotalCommittedInFree + c.TotalCommittedInGlobalFree + c.TotalBookkeepingCommitted);
        }
        return new GcEvent
        {
            Number = gc.Number,
            Generation = gc.Generation,
            Reason = gc.Reason.ToString(),
            Type = gc.Type.ToString(),
            Time = start,
            SinceProcessStart = start - processStart,
            Pause = TimeSpan.FromMilliseconds(gc.PauseDurationMSec),
            HeapBeforeBytes = (long)Math.Round(gc.HeapSizeBeforeMB * 1e6),
            HeapAfterBytes = (long)Math.Round(gc.HeapSizeAfterMB * 1e6),
            PromotedBytes = (long)Math.Round(gc.PromotedMB * 1e6),
            CommittedBytes = committed,
            PausePercent = sinceTrace > 0 ? Math.Clamp(pausedMs / sinceTrace * 100, 0, 100) : 0,
        };
    }

    private static DateTime ProcessStart(int processId)
    {
        try
        {
            using var p = Process.GetProcessById(processId);
            return p.StartTime.ToUniversalTime();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            throw new ProfilerException($"no process with pid {processId}", e);
        }
    }
}
