using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pprof.Runtime.TestTarget;

/// <summary>Threads that each stay in one known state, for the <c>thread_state</c> label of wall profiles: blocked in a
/// socket read (io), waiting for a lock another thread holds (lock, on a Monitor and on a <see cref="Lock"/>), sleeping,
/// waiting on a ManualResetEvent (wait) and spinning (running). Each thread is named <c>st-STATE</c>. On Linux two more
/// threads block outside .NET's APIs, through P/Invokes of libc, where only the kernel can tell their state: one in
/// recv on a socket (io), one in usleep (sleeping).</summary>
public static class StateWorkloads
{
    /// <summary>Names of the threads <see cref="Run"/> starts, each with the state its samples must carry.</summary>
    public static readonly IReadOnlyDictionary<string, string> Threads = new Dictionary<string, string>
    {
        ["st-io"] = "io",
        ["st-lock"] = "lock",
        ["st-lock2"] = "lock",
        ["st-holder"] = "sleeping",
        ["st-sleep"] = "sleeping",
        ["st-wait"] = "wait",
        ["st-spin"] = "running",
        ["st-rawio"] = "io",
        ["st-rawsleep"] = "sleeping",
    };

    private static readonly object s_monitor = new();
    private static readonly Lock s_lock = new();

    /// <summary>Starts the threads and returns once they are in their states (the io thread blocked in its read, the
    /// lock holders holding); they stay there until <paramref name="end"/> (the lock waiters then get their locks, the
    /// io thread gets one byte) and then exit.</summary>
    public static Thread[] Run(TimeSpan duration)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        bool Over() => Stopwatch.GetTimestamp() >= end;
        var held = new CountdownEvent(2);
        var threads = new List<Thread>
        {
            Named("st-holder", () => HoldLocks(held, Over)),
            Named("st-sleep", () => { while (!Over()) SleepAWhile(); }),
            Named("st-wait", () =>
            {
                using var never = new ManualResetEvent(false);
                while (!Over()) WaitForEvent(never);
            }),
            Named("st-spin", () => { while (!Over()) Spin(); }),
        };
        foreach (var t in threads) t.Start();
        held.Wait();
        var waiters = new[] { Named("st-lock", () => EnterMonitor(Over)), Named("st-lock2", () => EnterLock(Over)) };
        foreach (var t in waiters) t.Start();
        threads.AddRange(waiters);
        threads.Add(StartSocketReader(duration, "st-io", raw: false));
        if (OperatingSystem.IsLinux())
        {
            threads.Add(StartSocketReader(duration, "st-rawio", raw: true));
            var rawSleep = Named("st-rawsleep", () => { while (!Over()) RawSleep(50_000); });
            rawSleep.Start();
            threads.Add(rawSleep);
        }
        return threads.ToArray();
    }

    private static Thread Named(string name, Action body) => new(() => body()) { Name = name, IsBackground = true };

    /// <summary>Holds the Monitor and the Lock (sleeping meanwhile) until the end.</summary>
    private static void HoldLocks(CountdownEvent held, Func<bool> over)
    {
        lock (s_monitor)
        {
            held.Signal();
            using (s_lock.EnterScope())
            {
                held.Signal();
                while (!over()) SleepAWhile();
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void EnterMonitor(Func<bool> over)
    {
        while (!over())
        {
            lock (s_monitor) Thread.Yield();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void EnterLock(Func<bool> over)
    {
        while (!over())
        {
            using (s_lock.EnterScope()) Thread.Yield();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SleepAWhile() => Thread.Sleep(50);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WaitForEvent(ManualResetEvent ev) => ev.WaitOne(200);

    private static long s_spun;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Spin()
    {
        long x = 0;
        for (int i = 0; i < 1_000_000; i++) x += i ^ (x >> 3);
        Interlocked.Add(ref s_spun, x);
    }

    /// <summary>A loopback TCP connection on which nobody writes until the end: the reader thread blocks in a
    /// synchronous Socket.Receive. At the end the other side sends one byte and closes.</summary>
    private static Thread StartSocketReader(TimeSpan duration, string name, bool raw)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect((IPEndPoint)listener.LocalEndpoint);
        var server = listener.AcceptSocket();
        listener.Stop();
        var reader = Named(name, () =>
        {
            var buffer = new byte[16];
            try
            {
                if (raw) RawReceive(server.Handle, buffer);
                else ReadSocket(server, buffer);
            }
            catch (SocketException)
            {
            }
            server.Dispose();
        });
        reader.Start();
        var closer = new Thread(() =>
        {
            Thread.Sleep(duration);
            client.Send(new byte[] { 1 });
            client.Dispose();
        }) { IsBackground = true, Name = name + "-closer" };
        closer.Start();
        return reader;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadSocket(Socket socket, byte[] buffer) => socket.Receive(buffer);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long RawReceive(IntPtr fd, byte[] buffer) => recv((int)fd, buffer, buffer.Length, 0);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RawSleep(uint microseconds) => usleep(microseconds);

#pragma warning disable SYSLIB1054, CA5392 // plain DllImport: the test target has no unsafe code for LibraryImport
    [DllImport("libc", SetLastError = true)]
    private static extern nint recv(int fd, byte[] buffer, nint length, int flags);

    [DllImport("libc")]
    private static extern int usleep(uint microseconds);
#pragma warning restore SYSLIB1054, CA5392
}
