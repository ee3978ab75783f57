using Microsoft.Diagnostics.NETCore.Client;

namespace Pprof.Runtime.Internal;

/// <summary>Stops an EventPipe session without ever hanging the caller: the runtime's stop request runs on its own
/// thread (a process stopping a session on itself can deadlock, dotnet/runtime#1892) and the caller waits a bounded
/// time for it or for the reader to reach the end of the stream; past that the session is disposed, which closes the
/// stream so that the reader ends.</summary>
internal static class SelfSessionStop
{
    /// <summary>Stops <paramref name="session"/>; returns false when the runtime did not answer within
    /// <paramref name="timeout"/> and the stream was closed instead. <paramref name="readerDone"/> is signalled when the
    /// reader of the event stream has finished (it then needs no stop answer).</summary>
    public static bool Stop(EventPipeSession session, WaitHandle readerDone, TimeSpan timeout)
    {
        var stopped = new ManualResetEventSlim(false);
        var stopper = new Thread(() =>
        {
            try
            {
                session.Stop();
            }
            catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or IOException or TimeoutException or ObjectDisposedException or EndOfStreamException or InvalidOperationException)
            {
                // The stream is already closed or the runtime is gone: the reader ends on its own.
            }
            finally
            {
                stopped.Set();
            }
        }) { IsBackground = true, Name = "pprof-stop" };
        stopper.Start();
        bool answered = WaitHandle.WaitAny(new[] { stopped.WaitHandle, readerDone }, timeout) != WaitHandle.WaitTimeout;
        if (!answered) Close(session);
        return answered;
    }

    /// <summary>Closes the session's stream (the reader then ends).</summary>
    public static void Close(EventPipeSession session)
    {
        try
        {
            session.Dispose();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
    }
}
