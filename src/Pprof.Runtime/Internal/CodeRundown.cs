using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Pprof.Runtime.Internal;

/// <summary>Lists the jitted code of a process: a short EventPipe session whose end rundown reports every jitted code
/// body (one per tier or OSR version: start address, size, method) followed by its IL-to-native map. Stopped through
/// the bounded stop path, so it works on this process too.</summary>
internal static class CodeRundown
{
    /// <summary>Runs the rundown on <paramref name="processId"/>, calling <paramref name="onMethod"/> for every code body
    /// and <paramref name="onMap"/> for every IL-to-native map, on the reader thread, in the runtime's order. Throws
    /// <see cref="ProfilerException"/> when the process cannot be traced.</summary>
    public static void Read(int processId, Action<MethodLoadUnloadVerboseTraceData> onMethod, Action<MethodILToNativeMapTraceData>? onMap, CancellationToken cancellationToken, Action<ModuleLoadUnloadTraceData>? onModule = null)
    {
        var client = ProcessDiscovery.Connect(processId);
        long keywords = RuntimeKeyword.Jit | (onMap != null ? RuntimeKeyword.JittedMethodILToNativeMap : 0);
        var providers = new[] { new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, keywords) };
        EventPipeSession session;
        try
        {
            session = client.StartEventPipeSession(providers, requestRundown: true, circularBufferMB: 64);
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or ServerErrorException or IOException or TimeoutException)
        {
            throw ProcessDiscovery.Explain(processId, e);
        }
        using (session)
        {
            var done = new ManualResetEvent(false);
            var reader = new Thread(() =>
            {
                try
                {
                    using var source = new EventPipeEventSource(session.EventStream);
                    var rundown = new ClrRundownTraceEventParser(source);
                    rundown.MethodDCStopVerbose += onMethod;
                    source.Clr.MethodLoadVerbose += onMethod;
                    if (onModule != null)
                    {
                        rundown.LoaderModuleDCStop += onModule;
                        source.Clr.LoaderModuleLoad += onModule;
                    }
                    if (onMap != null)
                    {
                        rundown.MethodILToNativeMapDCStop += onMap;
                        source.Clr.MethodILToNativeMap += onMap;
                    }
                    source.Process();
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or EndOfStreamException or FormatException or InvalidOperationException)
                {
                    // The stream was closed: keep what arrived.
                }
                finally
                {
                    done.Set();
                }
            }) { IsBackground = true, Name = "pprof-rundown" };
            reader.Start();
            cancellationToken.ThrowIfCancellationRequested();
            if (SelfSessionStop.Stop(session, done, SessionCollection.StopTimeoutFor(processId)) && !done.WaitOne(NetTraceSession.DrainTimeout))
                SelfSessionStop.Close(session);
            done.WaitOne(TimeSpan.FromSeconds(2));
        }
    }

    /// <summary>The jitted code bodies of <paramref name="processId"/> with their IL-to-native maps; with
    /// <paramref name="withNames"/>, also each body's method and the modules' files, to resolve raw instruction
    /// pointers (on-CPU samples).</summary>
    public static NativeCodeMap ReadCodeMap(int processId, CancellationToken cancellationToken, bool withNames = false)
    {
        var map = new NativeCodeMap();
        Read(processId,
            d => map.OnLoad(d.ThreadID, d.MethodID, d.MethodStartAddress, d.MethodSize, withNames ? Identify(d) : null),
            d => map.OnMap(d.ThreadID, d.MethodID, d.MethodExtent, d.CountOfMapEntries, d.ILOffset, d.NativeOffset),
            cancellationToken,
            withNames ? d => map.OnModule(d.ModuleID, d.ModuleILPath) : null);
        return map;
    }

    /// <summary>The method of a load event, named as the trace log names it (namespace.name and the signature's
    /// arguments).</summary>
    public static NativeCodeMap.MethodIdentity Identify(MethodLoadUnloadVerboseTraceData d)
    {
        string sig = d.MethodSignature ?? "";
        int paren = sig.IndexOf('(');
        return new NativeCodeMap.MethodIdentity(d.MethodNamespace + "." + d.MethodName + (paren >= 0 ? sig[paren..] : ""), d.ModuleID, d.MethodToken);
    }
}
