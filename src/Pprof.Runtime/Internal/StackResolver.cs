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
    private readonly Dictionary<(ulong Address, bool Leaf), Frame> _frames = new();
    private readonly Dictionary<int, MethodSource> _methods = new();
    private readonly Dictionary<string, Frame> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MethodSource> _sourceByName = new(StringComparer.Ordinal);
    private readonly bool _inProcess;

    private readonly Dictionary<ulong, MethodSource> _sourceByStart = new();

    public StackResolver(bool inProcess, int maxDepth = 256, bool keepMethodNames = false)
    {
        _inProcess = inProcess;
        MaxDepth = maxDepth;
        KeepsMethodNames = keepMethodNames;
    }

    /// <summary>Whether <see cref="Code"/> keeps each body's method and module, so that raw instruction pointers (on-CPU
    /// samples) can be resolved with <see cref="FrameOfAddress"/>.</summary>
    public bool KeepsMethodNames { get; }

    public int MaxDepth { get; }

    /// <summary>The process's jitted code bodies and their IL-to-native maps, fed by <see cref="Attach"/> and a rundown.</summary>
    public NativeCodeMap Code { get; } = new();

    /// <summary>Feeds <see cref="Code"/> from the session's method load and IL-to-native map events.</summary>
    public void Attach(TraceEventDispatcher source)
    {
        source.Clr.MethodLoadVerbose += d => Code.OnLoad(d.ThreadID, d.MethodID, d.MethodStartAddress, d.MethodSize, KeepsMethodNames ? CodeRundown.Identify(d) : null);
        if (KeepsMethodNames) source.Clr.LoaderModuleLoad += d => Code.OnModule(d.ModuleID, d.ModuleILPath);
        source.Clr.MethodILToNativeMap += d => Code.OnMap(d.ThreadID, d.MethodID, d.MethodExtent, d.CountOfMapEntries, d.ILOffset, d.NativeOffset);
    }

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
            var f = FrameOf(c.CodeAddress, leaf: list.Count == 0);
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

    /// <summary>The frame of one instruction pointer: jitted code maps to its IL offset through the body's
    /// IL-to-native map and to a line through the PDB (a caller's return address is looked up one byte earlier, inside
    /// its call instruction); code without a map or without a PDB keeps the method's first line, or none.</summary>
    private Frame FrameOf(TraceCodeAddress ca, bool leaf)
    {
        ulong address = ca.Address;
        var key = (address, leaf);
        if (_frames.TryGetValue(key, out var frame)) return frame;
        TraceMethod? m = ca.Method;
        if (m == null)
        {
            string module = ca.ModuleName;
            string native = string.IsNullOrEmpty(module) ? "[native code]" : "[" + module + "]";
            frame = new Frame(native, native, ca.ModuleFile?.FilePath ?? "", "", 0, 0, address, native);
            _frames.Add(key, frame);
            return frame;
        }
        var src = SourceOf(m);
        int il = Code.ILOffset(leaf || address == 0 ? address : address - 1, out bool jitted);
        long line = src.StartLine;
        if (il >= 0 && src.File.Length > 0 && PdbLines.TryGet(src.ModulePath, src.Token, il, out _, out _, out long ilLine)) line = ilLine;
        // Precompiled (ReadyToRun) code lies in its module's image; names in brackets keep pprof from opening files.
        string mapping = jitted ? Frame.JitMapping : src.ModulePath.Length > 0 ? "[" + Path.GetFileName(src.ModulePath) + "]" : "[managed code]";
        frame = new Frame(src.Name, src.Full, src.ModulePath, src.File, src.StartLine, line, address, mapping);
        _frames.Add(key, frame);
        return frame;
    }

    /// <summary>The frame of a raw instruction pointer (an on-CPU sample's call chain, leaf first) in managed code the
    /// runtime reported (jitted, or precompiled code it loaded), named, placed and mapped as <see cref="Resolve"/> does
    /// for event stacks; null when the address is in no such code (native code, stubs). Needs
    /// <see cref="KeepsMethodNames"/>.</summary>
    public Frame? FrameOfAddress(ulong address, bool leaf)
    {
        var key = (address, leaf);
        if (_frames.TryGetValue(key, out var frame)) return frame;
        ulong lookup = leaf || address == 0 ? address : address - 1;
        if (!Code.TryFindMethod(lookup, out ulong start, out var method, out string modulePath) || method == null) return null;
        if (!_sourceByStart.TryGetValue(start, out var src))
        {
            src = SourceOf(method.FullName, modulePath, method.Token);
            _sourceByStart.Add(start, src);
        }
        int il = Code.ILOffset(lookup, out _);
        long line = src.StartLine;
        if (il >= 0 && src.File.Length > 0 && PdbLines.TryGet(src.ModulePath, src.Token, il, out _, out _, out long ilLine)) line = ilLine;
        frame = new Frame(src.Name, src.Full, src.ModulePath, src.File, src.StartLine, line, address, Frame.JitMapping);
        _frames.Add(key, frame);
        return frame;
    }

    /// <summary>The method's name, module, token and source file (with its first line), looked up once per method.</summary>
    private MethodSource SourceOf(TraceMethod m)
    {
        if (_methods.TryGetValue((int)m.MethodIndex, out var src)) return src;
        src = SourceOf(m.FullMethodName ?? "", m.MethodModuleFile?.FilePath ?? "", m.MethodToken);
        _methods.Add((int)m.MethodIndex, src);
        return src;
    }

    private MethodSource SourceOf(string full, string modulePath, int token)
    {
        MethodSource src;
        string name = FrameNames.Format(full);
        bool found = PdbLines.TryGet(modulePath, token, -1, out string file, out long startLine, out _);
        if (!found && _inProcess)
        {
            // The trace did not name the method's module (or named another image): ask reflection, in this process.
            string path = "";
            int tok = 0;
            ResolveInProcess(full, ref path, ref tok);
            if (path.Length > 0 && PdbLines.TryGet(path, tok, -1, out file, out startLine, out _))
            {
                found = true;
                modulePath = path;
                token = tok;
            }
        }
        if (found)
        {
            src = new MethodSource(name, full, modulePath, token, file, startLine);
            _sourceByName.TryAdd(full, src);
        }
        else
        {
            // Another version of the method (another tier) may have been resolved: same source.
            src = _sourceByName.GetValueOrDefault(full) ?? new MethodSource(name, full, modulePath, 0, "", 0);
        }
        return src;
    }

    private sealed record MethodSource(string Name, string Full, string ModulePath, int Token, string File, long StartLine);
}
