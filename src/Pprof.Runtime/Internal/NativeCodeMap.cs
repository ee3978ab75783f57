namespace Pprof.Runtime.Internal;

/// <summary>The jitted code bodies of one process, each with the JIT's IL-to-native map, keyed by the body's native
/// code start: a method rejitted at another tier or through on-stack replacement has one body per version, so an
/// instruction pointer always finds the map of the code it is in. Fed by method load events and their
/// MethodILToNativeMap events (live and from a rundown). The runtime sends a body's map right after its load event, on
/// the same thread, without naming the code start: the two are paired by thread and method id (in either order). Not
/// thread-safe: one thread feeds and reads it.</summary>
internal sealed class NativeCodeMap
{
    private const int RecentLimit = 512;
    private const int PendingLimit = 4096;

    // One entry per body; its map is one array of (native offset, IL offset) pairs sorted by native offset, so a body
    // costs one small object (an always-on session keeps the map for the process's lifetime).
    private readonly Dictionary<ulong, CodeBody> _byStart = new();
    private readonly List<ulong> _recent = new();
    private readonly Dictionary<(int Thread, long Method), ulong> _awaitingMap = new();
    private readonly Dictionary<(int Thread, long Method), int[]> _earlyMaps = new();
    private readonly Dictionary<long, string> _modules = new();
    private ulong[] _starts = Array.Empty<ulong>();
    private CodeBody[] _sorted = Array.Empty<CodeBody>();

    /// <summary>The number of code bodies known.</summary>
    public int Count => _byStart.Count;

    /// <summary>Records a body of <paramref name="size"/> bytes at <paramref name="start"/>, loaded on
    /// <paramref name="thread"/>; a later body at the same start replaces it. <paramref name="method"/> names the
    /// method when raw instruction pointers are to be resolved through this map (on-CPU samples); null otherwise.</summary>
    public void OnLoad(int thread, long methodId, ulong start, int size, MethodIdentity? method = null)
    {
        if (start == 0 || size <= 0) return;
        var key = (thread, methodId);
        _earlyMaps.Remove(key, out var early);
        if (early == null)
        {
            if (_awaitingMap.Count >= PendingLimit) _awaitingMap.Clear();
            _awaitingMap[key] = start;
        }
        _byStart[start] = new CodeBody(start, (uint)size, early, method);
        _recent.Add(start);
        if (_recent.Count >= RecentLimit) Merge();
    }

    /// <summary>Records the IL-to-native map of the body that <paramref name="methodId"/> just loaded on
    /// <paramref name="thread"/>. Only the main (hot) extent is kept.</summary>
    public void OnMap(int thread, long methodId, int extent, int count, Func<int, int> ilOffset, Func<int, int> nativeOffset)
    {
        if (extent != 0 || count <= 0 || count > 1 << 20) return;
        var native = new int[count];
        var il = new int[count];
        for (int i = 0; i < count; i++)
        {
            native[i] = nativeOffset(i);
            il[i] = ilOffset(i);
        }
        Array.Sort(native, il);
        var map = new int[2 * count];
        for (int i = 0; i < count; i++)
        {
            map[2 * i] = native[i];
            map[2 * i + 1] = il[i];
        }
        var key = (thread, methodId);
        if (_awaitingMap.Remove(key, out ulong start) && _byStart.TryGetValue(start, out var body))
        {
            _byStart[start] = body with { Map = map };
            if (!_recent.Contains(start)) Merge(); // the sorted copy holds the body without its map
        }
        else
        {
            if (_earlyMaps.Count >= PendingLimit) _earlyMaps.Clear();
            _earlyMaps[key] = map;
        }
    }

    /// <summary>Records the file of module <paramref name="moduleId"/> (module load and rundown events).</summary>
    public void OnModule(long moduleId, string path)
    {
        if (moduleId != 0 && !string.IsNullOrEmpty(path) && _modules.Count < PendingLimit * 4) _modules[moduleId] = path;
    }

    /// <summary>The method whose code holds <paramref name="address"/> (loaded with its identity), its code start and
    /// its module's file ("" when unknown); false when the address is in no such body.</summary>
    public bool TryFindMethod(ulong address, out ulong start, out MethodIdentity? method, out string modulePath)
    {
        start = 0;
        method = null;
        modulePath = "";
        if (!Find(address, out var body) || body.Method == null) return false;
        start = body.Start;
        method = body.Method;
        modulePath = _modules.GetValueOrDefault(body.Method.ModuleId) ?? "";
        return true;
    }

    /// <summary>Adds the bodies of <paramref name="other"/> (a rundown read elsewhere) that this map does not know.</summary>
    public void AddMissing(NativeCodeMap other)
    {
        foreach (var (id, path) in other._modules) _modules.TryAdd(id, path);
        foreach (var (start, body) in other._byStart) _byStart.TryAdd(start, body);
        Merge();
    }

    /// <summary>The IL offset of the instruction at <paramref name="address"/>, or -1 when the address is in no known
    /// jitted body, the body has no map, or the JIT mapped it to no IL (prolog, epilog, unmapped code).</summary>
    public int ILOffset(ulong address, out bool jitted)
    {
        jitted = Find(address, out var body);
        return jitted ? body.ILOffset((int)(address - body.Start)) : -1;
    }

    private bool Find(ulong address, out CodeBody body)
    {
        for (int i = _recent.Count - 1; i >= 0; i--)
        {
            if (_byStart.TryGetValue(_recent[i], out body) && body.Contains(address)) return true;
        }
        int j = Array.BinarySearch(_starts, address);
        if (j < 0) j = ~j - 1;
        // Bodies may overlap when code memory was reused: look back a little.
        for (int k = j; k >= 0 && k > j - 8; k--)
        {
            body = _sorted[k];
            if (body.Contains(address)) return true;
        }
        body = default;
        return false;
    }

    private void Merge()
    {
        _recent.Clear();
        _starts = new ulong[_byStart.Count];
        _sorted = new CodeBody[_byStart.Count];
        int n = 0;
        foreach (var (start, body) in _byStart)
        {
            _starts[n] = start;
            _sorted[n++] = body;
        }
        Array.Sort(_starts, _sorted);
    }

    /// <summary>What a code body is: the runtime's full method name (namespace.name(signature arguments), as the trace
    /// log spells it), its module and metadata token.</summary>
    internal sealed record MethodIdentity(string FullName, long ModuleId, int Token);

    private readonly record struct CodeBody(ulong Start, uint Size, int[]? Map, MethodIdentity? Method = null)
    {
        public bool Contains(ulong address) => address >= Start && address - Start < Size;

        /// <summary>The IL offset of the last map entry at or before <paramref name="nativeOffset"/>; the JIT's special
        /// offsets (no mapping -1, prolog -2, epilog -3) answer -1.</summary>
        public int ILOffset(int nativeOffset)
        {
            if (Map == null) return -1;
            int lo = 0, hi = Map.Length / 2 - 1, found = -1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                if (Map[2 * mid] <= nativeOffset)
                {
                    found = mid;
                    lo = mid + 1;
                }
                else hi = mid - 1;
            }
            return found < 0 ? -1 : Math.Max(-1, Map[2 * found + 1]);
        }
    }
}
