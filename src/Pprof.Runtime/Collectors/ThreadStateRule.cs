using Pprof.Runtime.Internal;

namespace Pprof.Runtime.Collectors;

/// <summary>The rule that gives every wall sample its <c>thread_state</c>, from four sources: the runtime's contention
/// and wait events, the sample's own kind (the thread sampler says whether the thread was executing managed code), the
/// sample's innermost blocking API, and the kernel's state of the thread. The first that applies wins:
/// <list type="number">
/// <item>inside a contention (ContentionStart without its ContentionStop on that thread) → lock;</item>
/// <item>executing managed code → running, or runnable when the kernel saw the thread wait for a CPU longer than it ran;</item>
/// <item>a blocking API among the frames next to the leaf (see <see cref="FromFrames"/>) → lock, wait, sleeping or io;</item>
/// <item>inside a WaitHandle wait (WaitHandleWaitStart without its stop; only when the session enables the WaitHandle
/// keyword, which the wall profile does not) → wait;</item>
/// <item>the kernel's state at the last reading: runnable (R) → running or runnable; blocked in a socket, file, pipe or
/// poll system call, or in uninterruptible sleep (D) → io; in nanosleep → sleeping; in futex or anything else → wait;</item>
/// <item>nothing known (no /proc, or the thread was not read) → wait: a thread outside managed code with no known
/// blocking frame is, in .NET, almost always parked in the runtime.</item>
/// </list></summary>
internal static class ThreadStateRule
{
    public const string LabelKey = "thread_state";

    private static readonly string[] s_names = { "running", "runnable", "sleeping", "lock", "wait", "io" };

    /// <summary>The label value.</summary>
    public static string Name(WallThreadState state) => s_names[(int)state];

    /// <summary>Every label value, in enum order.</summary>
    public static IReadOnlyList<string> Names => s_names;

    /// <summary>Applies the rule (see the class summary).</summary>
    public static WallThreadState Combine(bool inContention, bool inManagedCode, WallThreadState? fromFrames, bool inWaitHandleWait, KernelThreadState kernel, bool cpuStarved)
    {
        if (inContention) return WallThreadState.Lock;
        if (inManagedCode) return cpuStarved ? WallThreadState.Runnable : WallThreadState.Running;
        if (fromFrames is WallThreadState framed) return framed;
        if (inWaitHandleWait) return WallThreadState.Wait;
        return kernel switch
        {
            KernelThreadState.Running => cpuStarved ? WallThreadState.Runnable : WallThreadState.Running,
            KernelThreadState.Io => WallThreadState.Io,
            KernelThreadState.Sleeping => WallThreadState.Sleeping,
            _ => WallThreadState.Wait,
        };
    }

    /// <summary>The state a stack's blocking API implies, or null. Only the frames next to the leaf that belong to .NET
    /// itself (System.*, Microsoft.*, Interop.*, native code) are looked at, and the outermost of them that is a
    /// blocking API decides: the API the application called. So Lock.Enter, which waits in WaitHandle.WaitOne, is lock;
    /// Socket.Receive, which may wait on an event, is io; and a Task.Wait that runs the task inline, with application
    /// frames between it and the leaf, is whatever that task is blocked in.</summary>
    public static WallThreadState? FromFrames(Frame[] stack)
    {
        WallThreadState? found = null;
        foreach (var frame in stack)
        {
            string name = frame.Name;
            if (!IsDotnetFrame(name)) break;
            if (Classify(name) is WallThreadState s) found = s;
        }
        return found;
    }

    private static bool IsDotnetFrame(string name)
        => name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.", StringComparison.Ordinal)
           || name.StartsWith("Interop.", StringComparison.Ordinal) || name.StartsWith('[');

    /// <summary>The state one frame implies, or null.</summary>
    internal static WallThreadState? Classify(string name)
    {
        var (type, method) = Split(name);
        if (type.Length == 0) return null;
        if (s_frames.TryGetValue(type + "." + method, out var state)) return state;
        if (type == "Interop.Sys") return s_interopIo.Contains(method) ? WallThreadState.Io : null;
        foreach (var prefix in s_ioNamespaces)
        {
            if (type.StartsWith(prefix, StringComparison.Ordinal)) return WallThreadState.Io;
        }
        return null;
    }

    /// <summary>Splits "Namespace.Type&lt;T&gt;.Method&lt;U&gt;" into the type without generic arguments and the method name.</summary>
    internal static (string Type, string Method) Split(string name)
    {
        int depth = 0, dot = -1;
        for (int i = name.Length - 1; i >= 0; i--)
        {
            char c = name[i];
            if (c is '>' or ']' or ')') depth++;
            else if (c is '<' or '[' or '(') depth--;
            else if (c == '.' && depth == 0)
            {
                dot = i;
                break;
            }
        }
        if (dot <= 0) return ("", name);
        string method = name[(dot + 1)..];
        int generic = method.IndexOfAny(['<', '[', '(']);
        if (generic > 0) method = method[..generic];
        string type = name[..dot];
        if (type.Contains('<') || type.Contains('`')) type = StripGenerics(type);
        return (type, method);
    }

    private static string StripGenerics(string type)
    {
        var sb = new System.Text.StringBuilder(type.Length);
        int depth = 0;
        for (int i = 0; i < type.Length; i++)
        {
            char c = type[i];
            if (c == '<') depth++;
            else if (c == '>') depth = Math.Max(0, depth - 1);
            else if (depth == 0)
            {
                if (c == '`')
                {
                    while (i + 1 < type.Length && char.IsAsciiDigit(type[i + 1])) i++;
                    continue;
                }
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private static readonly Dictionary<string, WallThreadState> s_frames = Build();

    private static Dictionary<string, WallThreadState> Build()
    {
        var d = new Dictionary<string, WallThreadState>(StringComparer.Ordinal);
        void Add(WallThreadState s, string type, params string[] methods)
        {
            foreach (var m in methods) d[type + "." + m] = s;
        }
        Add(WallThreadState.Lock, "System.Threading.Monitor", "Enter", "ReliableEnter", "ReliableEnterTimeout", "TryEnter", "Enter_Slowpath", "TryEnter_Slowpath");
        Add(WallThreadState.Lock, "System.Threading.Lock", "Enter", "EnterScope", "TryEnter", "EnterAndGetCurrentThreadId", "TryEnterSlow");
        Add(WallThreadState.Lock, "System.Threading.SpinLock", "Enter", "TryEnter", "ContinueTryEnter");
        Add(WallThreadState.Lock, "System.Threading.ReaderWriterLockSlim", "EnterReadLock", "EnterWriteLock", "EnterUpgradeableReadLock",
            "TryEnterReadLock", "TryEnterWriteLock", "TryEnterUpgradeableReadLock", "TryEnterReadLockCore", "TryEnterWriteLockCore", "TryEnterUpgradeableReadLockCore");
        Add(WallThreadState.Lock, "System.Threading.ReaderWriterLock", "AcquireReaderLock", "AcquireWriterLock", "UpgradeToWriterLock");
        Add(WallThreadState.Sleeping, "System.Threading.Thread", "Sleep", "SleepInternal");
        Add(WallThreadState.Wait, "System.Threading.Thread", "Join");
        Add(WallThreadState.Wait, "System.Threading.Monitor", "Wait", "ObjWait");
        Add(WallThreadState.Wait, "System.Threading.WaitHandle", "WaitOne", "WaitOneNoCheck", "WaitAny", "WaitAll", "WaitMultiple", "SignalAndWait", "WaitOneCore", "WaitMultipleIgnoringSyncContext");
        Add(WallThreadState.Wait, "System.Threading.ManualResetEventSlim", "Wait");
        Add(WallThreadState.Wait, "System.Threading.SemaphoreSlim", "Wait", "WaitUntilCountOrTimeout");
        Add(WallThreadState.Wait, "System.Threading.CountdownEvent", "Wait");
        Add(WallThreadState.Wait, "System.Threading.Barrier", "SignalAndWait");
        Add(WallThreadState.Wait, "System.Threading.LowLevelLifoSemaphore", "Wait", "WaitForSignal", "WaitCore");
        Add(WallThreadState.Wait, "System.Threading.LowLevelMonitor", "Wait", "WaitCore");
        Add(WallThreadState.Wait, "System.Threading.Tasks.Task", "Wait", "WaitAll", "WaitAny", "InternalWait", "InternalWaitCore", "SpinThenBlockingWait", "GetResultCore", "get_Result", "WaitAllCore", "WaitAnyCore");
        Add(WallThreadState.Wait, "System.Runtime.CompilerServices.TaskAwaiter", "GetResult", "HandleNonSuccessAndDebuggerNotification", "ValidateEnd");
        Add(WallThreadState.Wait, "System.Runtime.CompilerServices.ValueTaskAwaiter", "GetResult");
        Add(WallThreadState.Wait, "System.Runtime.CompilerServices.ConfiguredTaskAwaitable.ConfiguredTaskAwaiter", "GetResult");
        Add(WallThreadState.Wait, "System.Collections.Concurrent.BlockingCollection", "Take", "TryTake", "TryTakeWithNoTimeValidation", "Add", "TryAdd", "TryAddWithNoTimeValidation");
        Add(WallThreadState.Io, "System.IO.FileStream", "Read", "ReadByte", "Write", "WriteByte", "Flush", "CopyTo");
        Add(WallThreadState.Io, "System.IO.File", "ReadAllBytes", "ReadAllText", "ReadAllLines", "WriteAllBytes", "WriteAllText", "WriteAllLines", "AppendAllText", "Copy");
        Add(WallThreadState.Io, "System.Console", "ReadLine", "Read", "ReadKey");
        return d;
    }

    /// <summary>Namespaces whose blocking frames are I/O: sockets (the socket engine's epoll thread included), TLS streams,
    /// pipes, file access and the console's streams.</summary>
    private static readonly string[] s_ioNamespaces =
    {
        "System.Net.Sockets.", "System.Net.Security.SslStream", "System.IO.Pipes.", "System.IO.RandomAccess", "System.IO.Strategies.",
        "System.IO.StdInReader", "System.IO.ConsoleStream", "System.ConsolePal",
    };

    /// <summary>The P/Invokes of .NET's native shim that block in socket, file or pipe system calls.</summary>
    private static readonly HashSet<string> s_interopIo = new(StringComparer.Ordinal)
    {
        "Read", "ReadV", "PRead", "PReadV", "Write", "WriteV", "PWrite", "PWriteV", "Receive", "ReceiveMessage", "Send", "SendMessage",
        "SendFile", "Accept", "Connect", "Connectx", "Poll", "PollEvents", "WaitForSocketEvents", "FSync", "FLock", "Select",
    };
}
