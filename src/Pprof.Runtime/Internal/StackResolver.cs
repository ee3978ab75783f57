using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace Pprof.Runtime.Internal;

/// <summary>Resolves an event's call stack (through the live <see cref="TraceLog"/>) into interned <see cref="Frame"/>s,
/// leaf first, with readable names and PDB source positions, and tells the profiler's own stacks apart so that
/// collectors can drop them. Used only from the session's event thread.</summary>
internal sealed class StackResolver
{
    private static readonly string[] s_ownPrefixes =
    {
        "Microsoft.Diagnostics.NETCore.Client.", "Microsoft.Diagnostics.Tracing.", "Microsoft.Diagnostics.FastSerialization.",
        "Pprof.Runtime.Internal.", "Pprof.Runtime.Collectors.",
    };

    private readonly Dictionary<int, Frame[]?> _stacks = new();
    private readonly Dictionary<(int Method, int IL), Frame> _frames = new();
    private readonly Dictionary<string, Frame> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string File, long StartLine)> _sourceByName = new(StringComparer.Ordinal);
    private readonly bool _inProcess;

    public StackResolver(bool inProcess, int maxDepth = 256)
    {
        _inProcess = inProcess;
        MaxDepth = maxDepth;
    }

    public int MaxDepth { get; }

    /// <summary>The event's stack, leaf first; null when the event has no stack or, in-process, the stack belongs to the
    /// profiler's own machinery (diagnostics client, event reader, profiler threads).</summary>
    public Frame[]? Resolve(TraceEvent e)
    {
        TraceCallStack? cs = e.CallStack();
        if (cs == null) return null;
        int index = (int)cs.CallStackIndex;
        if (_stacks.TryGetValue(index, out var cached)) return cached;
        var list = new List<Frame>(Math.Min(cs.Depth + 1, MaxDepth));
        bool own = false;
        for (var c = cs; c != null && list.Count < MaxDepth; c = c.Caller)
        {
            var f = FrameOf(c.CodeAddress);
            if (IsOwn(f.Name)) own = true;
            list.Add(f);
        }
        // Leading unresolved native frames under a managed leaf carry no information.
        Frame[]? stack = own ? null : list.ToArray();
        _stacks[index] = stack;
        return stack;
    }

    /// <summary>An interned synthetic frame, for example the allocated type as a leaf.</summary>
    public Frame Named(string name)
    {
        if (!_byName.TryGetValue(name, out var f))
        {
            f = Frame.Synthetic(name);
            _byName.Add(name, f);
        }
        return f;
    }

    private bool IsOwn(string name)
    {
        // Only this process runs the profiler's machinery; another process using TraceEvent is doing its own work.
        if (!_inProcess) return false;
        foreach (var p in s_ownPrefixes) if (name.StartsWith(p, StringComparison.Ordinal)) return true;
        return name == "System.Net.Sockets.SocketAsyncEngine.EventLoop";
    }

    /// <summary>In this process, finds the method's module and token by reflection when the trace did not say (a method
    /// jitted before the trace log learned its module).</summary>
    private static void ResolveInProcess(string fullMethodName, ref string modulePath, ref int token)
    {
        int paren = fullMethodName.IndexOf('(');
        string name = paren >= 0 ? fullMethodName[..paren] : fullMethodName;
        if (name.Contains('[') || name.Contains('`')) return;
        int dot = name.LastIndexOf('.');
        if (dot <= 0) return;
        if (name[dot - 1] == '.') dot--; // .ctor
        string typeName = name[..dot], methodName = name[(dot + 1)..];
        try
        {
            foreach (var asm in AppDomain.CurrentDomain.GetAssemblies())
            {
                if (asm.IsDynamic) continue;
                var type = asm.GetType(typeName, throwOnError: false);
                if (type == null) continue;
                const System.Reflection.BindingFlags all = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic |
                    System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly;
                var method = type.GetMembers(all).FirstOrDefault(mi => mi.Name == methodName && mi is System.Reflection.MethodBase);
                if (method == null) return;
                modulePath = asm.Location;
                token = method.MetadataToken;
                return;
            }
        }
        catch (Exception e) when (e is System.Reflection.ReflectionTypeLoadException or IOException or NotSupportedException or TypeLoadException)
        {
        }
    }

    private Frame FrameOf(TraceCodeAddress ca)
    {
        TraceMethod? m = ca.Method;
        if (m == null)
        {
            string module = ca.ModuleName;
            return Named(string.IsNullOrEmpty(module) ? "[native code]" : "[" + module + "]");
        }
        int il = ca.ILOffset;
        var key = ((int)m.MethodIndex, il);
        if (_frames.TryGetValue(key, out var frame)) return frame;
        string full = m.FullMethodName ?? "";
        string name = FrameNames.Format(full);
        string modulePath = m.MethodModuleFile?.FilePath ?? "";
        int token = m.MethodToken;
        bool found = PdbLines.TryGet(modulePath, token, il, out string file, out long startLine, out long line);
        if (!found && _inProcess)
        {
            // The trace did not name the method's module (or named another image): ask reflection, in this process.
            string path = "";
            int tok = 0;
            ResolveInProcess(full, ref path, ref tok);
            if (path.Length > 0 && PdbLines.TryGet(path, tok, il, out file, out startLine, out line))
            {
                found = true;
                modulePath = path;
            }
        }
        if (!found && _sourceByName.TryGetValue(full, out var known))
        {
            // Another version of the method (another tier) was resolved: same source.
            (file, startLine, line) = (known.File, known.StartLine, known.StartLine);
            found = true;
        }
        if (found && !_sourceByName.ContainsKey(full)) _sourceByName[full] = (file, startLine);
        frame = found ? new Frame(name, full, modulePath, file, startLine, line) : new Frame(name, full, modulePath, "", 0, 0);
        _frames.Add(key, frame);
        return frame;
    }
}
