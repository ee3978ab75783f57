using System.Diagnostics;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.EventPipe;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Pprof.Runtime.Heap;

/// <summary>Takes one GC heap snapshot of a process over EventPipe: enabling the runtime provider with the heap-dump
/// keywords induces a blocking gen-2 GC during which the runtime streams every live object, its references and the
/// roots. The session stops after that GC ends.</summary>
internal static class HeapDumpSession
{
    /// <summary>GC | GCHeapDump | GCHeapCollect | GCHeapAndTypeNames | Type.</summary>
    internal const long HeapSnapshotKeywords = 0x1980001;

    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    /// <summary>Type names of this process seen by earlier snapshots: a later in-process snapshot does not receive
    /// them again (the runtime logs each type once), so without them its types would read <c>[type 0x...]</c>.</summary>
    private static readonly Dictionary<ulong, string> s_ownTypeNames = new();

    public static HeapGraph Collect(int pid, HeapProfileOptions options, ProgressThrottle progress, CancellationToken cancellationToken, out HeapDumpStats stats)
    {
        var graph = new HeapGraph(options.MaxObjects);
        var st = new HeapDumpStats();
        DiagnosticsClient client;
        EventPipeSession session;
        try
        {
            client = new DiagnosticsClient(pid);
            var providers = new[] { new EventPipeProvider(RuntimeProvider, EventLevel.Verbose, HeapSnapshotKeywords) };
            session = client.StartEventPipeSession(providers, requestRundown: false, circularBufferMB: options.BufferMB);
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or ServerErrorException or TimeoutException or IOException or UnauthorizedAccessException)
        {
            throw new ProfilerException($"cannot start a heap snapshot session in process {pid}: {e.Message} (is it a .NET process with DOTNET_EnableDiagnostics unset?)", e);
        }

        var sw = Stopwatch.StartNew();
        int dumpGc = -1;
        bool gcStarted = false, complete = false;
        var done = new ManualResetEventSlim();
        var counting = new CountingStream(session.EventStream);
        using var source = new EventPipeEventSource(counting);
        var clr = source.Clr;
        clr.GCStart += d =>
        {
            if (dumpGc < 0 && d.Depth == 2 && d.Type != GCType.BackgroundGC)
            {
                dumpGc = d.Count;
                gcStarted = true;
                st.GcStartMs = d.TimeStampRelativeMSec;
            }
        };
        clr.GCStop += d =>
        {
            if (gcStarted && d.Count == dumpGc && !complete)
            {
                complete = true;
                st.GcStopMs = d.TimeStampRelativeMSec;
                done.Set();
            }
        };
        clr.GCSuspendEEStart += d => { if (dumpGc < 0 || !complete) st.SuspendStartMs = d.TimeStampRelativeMSec; };
        clr.GCRestartEEStop += d => { if (complete && st.RestartMs == 0) st.RestartMs = d.TimeStampRelativeMSec; };
        clr.TypeBulkType += d =>
        {
            for (int i = 0; i < d.Count; i++)
            {
                var v = d.Values(i);
                // Arrays (ELEMENT_TYPE_SZARRAY 0x1d, ARRAY 0x14) carry their element type as the type parameter.
                int cor = (int)v.CorElementType;
                bool array = cor is 0x1d or 0x14;
                ulong element = array && v.TypeParameterCount > 0 ? v.TypeParameterID(0) : 0;
                graph.AddType(v.TypeID, v.TypeName, element, cor == 0x14 ? 2 : 1, (int)v.TypeNameID);
            }
        };
        clr.GCBulkNode += d =>
        {
            for (int i = 0; i < d.Count; i++)
            {
                var v = d.Values(i);
                graph.AddObject(v.Address, v.Size, v.TypeID, v.EdgeCount);
            }
        };
        clr.GCBulkEdge += d =>
        {
            for (int i = 0; i < d.Count; i++) graph.AddEdge(d.Values(i).Target);
        };
        clr.GCBulkRootEdge += d =>
        {
            for (int i = 0; i < d.Count; i++)
            {
                var v = d.Values(i);
                var (root, prio) = RootFrame(v.GCRootKind, v.GCRootFlag);
                if (root != null) graph.AddRoot(v.RootedNodeAddress, root, prio);
            }
        };
        clr.GCBulkRootStaticVar += d =>
        {
            for (int i = 0; i < d.Count; i++)
            {
                var v = d.Values(i);
                graph.AddStaticRoot(v.ObjectID, v.TypeID, v.FieldName);
            }
        };
        clr.GCBulkRootConditionalWeakTableElementEdge += d =>
        {
            for (int i = 0; i < d.Count; i++)
            {
                var v = d.Values(i);
                graph.AddRoot(v.GCValueNodeID, "[ConditionalWeakTable value]", RootRank.Dependent);
            }
        };

        var reader = new Thread(() =>
        {
            try { source.Process(); }
            catch (Exception e) { st.ReadError = e; }
            finally { done.Set(); }
        }) { IsBackground = true, Name = "pprof heap reader" };
        reader.Start();

        // The end of the snapshot GC (GCStop) may stay in the reader's buffers until more data arrives; so the session
        // is also stopped once the GC has started and the stream has been quiet for a second (the runtime writes the
        // snapshot without pause). Stopping flushes everything; the snapshot counts only if GCStop then arrives.
        using (cancellationToken.Register(() => done.Set()))
        {
            var deadline = Stopwatch.StartNew();
            long lastBytes = -1;
            var quiet = Stopwatch.StartNew();
            progress.Report("snapshot", 0, 0);
            while (!done.Wait(100) && deadline.Elapsed < options.Timeout)
            {
                progress.Report("snapshot", graph.ObjectCount, 0);
                long bytes = counting.BytesRead;
                if (bytes != lastBytes)
                {
                    lastBytes = bytes;
                    quiet.Restart();
                }
                else if (gcStarted && quiet.Elapsed > TimeSpan.FromSeconds(1)) break;
            }
        }
        if (cancellationToken.IsCancellationRequested)
        {
            // Stop at once: what was received is dropped, the target's GC finishes the dump on its own.
            source.StopProcessing();
            StopWithTimeout(session, TimeSpan.FromSeconds(1));
            reader.Join(TimeSpan.FromSeconds(1));
            _ = Task.Run(() => DisposeQuietly(session), CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
        }
        // A few more events (static roots) are written at the end of the dump; give them a moment, then stop.
        if (complete) Thread.Sleep(50);
        StopWithTimeout(session, TimeSpan.FromSeconds(10));
        if (!reader.Join(TimeSpan.FromSeconds(30)))
        {
            source.StopProcessing();
            reader.Join(TimeSpan.FromSeconds(5));
        }
        session.Dispose();
        st.EventsLost = source.EventsLost;
        st.Complete = complete;
        st.Elapsed = sw.Elapsed;
        if (!complete)
        {
            throw new ProfilerException(st.ReadError != null
                ? $"heap snapshot of process {pid} failed: {st.ReadError.Message}"
                : $"heap snapshot of process {pid} did not complete within {options.Timeout.TotalSeconds:0} s");
        }
        graph.ResolveSimpleNames(StaticFieldOwners.FindTypes(pid, graph.SimpleTypeNames()));
        graph.ResolveArrayNames();
        graph.ResolveStaticNames(StaticFieldOwners.Find(pid, graph.StaticFieldNames()));
        if (pid == Environment.ProcessId)
        {
            lock (s_ownTypeNames) graph.ShareTypeNames(s_ownTypeNames);
        }
        stats = st;
        return graph;
    }

    private static void DisposeQuietly(EventPipeSession session)
    {
        try { session.Dispose(); }
        catch (Exception e) when (e is ServerNotAvailableException or IOException or ObjectDisposedException or TimeoutException or ServerErrorException) { }
    }

    /// <summary>Stops the session on a separate thread: stopping a session on one's own process can hang (dotnet/runtime#1892).</summary>
    private static void StopWithTimeout(EventPipeSession session, TimeSpan timeout)
    {
        var t = new Thread(() =>
        {
            try { session.Stop(); }
            catch (Exception e) when (e is ServerNotAvailableException or IOException or ObjectDisposedException or TimeoutException or ServerErrorException) { }
        }) { IsBackground = true, Name = "pprof heap stop" };
        t.Start();
        t.Join(timeout);
    }

    /// <summary>The root frame for a GC root kind (null for roots that do not keep objects alive) and its
    /// <see cref="RootRank"/>.</summary>
    internal static (string? Root, int Priority) RootFrame(GCRootKind kind, GCRootFlags flags)
    {
        switch (kind)
        {
            case GCRootKind.Stack: return ("[stack]", RootRank.Stack);
            case GCRootKind.Finalizer: return ("[finalizer queue]", RootRank.Finalizer);
            case GCRootKind.Handle:
                if ((flags & GCRootFlags.WeakRef) != 0) return (null, 0);
                if ((flags & GCRootFlags.Pinning) != 0) return ("[pinned handle]", RootRank.OtherHandle);
                if ((flags & GCRootFlags.RefCounted) != 0) return ("[refcounted handle]", RootRank.OtherHandle);
                return ("[strong handle]", RootRank.StrongHandle);
            case GCRootKind.SizedRef: return ("[sized-ref handle]", RootRank.OtherHandle);
            case (GCRootKind)6: return ("[dependent handle]", RootRank.Dependent);
            case GCRootKind.Older: return ("[older generation]", RootRank.Other);
            default: return ("[" + kind.ToString().ToLowerInvariant() + " root]", RootRank.Other);
        }
    }
}
