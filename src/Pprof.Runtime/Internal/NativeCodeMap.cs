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

    private readonly Dictionary<ulong, CodeBody> _byStart = new();
    private readonly List<CodeBody> _recent = new();
    private readonly Dictionary<(int Thread, long Method), CodeBody> _awaitingMap = new();
    private readonly Dictionary<(int Thread, long Method), (int[] Native, int[] IL)> _earlyMaps = new();
    private ulong[] _starts = Array.Empty<ulong>();
    private CodeBody[] _sorted = Array.Empty<CodeBody>();

    /// <summary>The number of code bodies known.</summary>
    public int Count => _byStart.Count;

    /// <summary>Records a body of <paramref name="size"/> bytes at <paramref name="start"/>, loaded on
    /// <paramref name="thread"/>; a later body at the same start replaces it.</summary>
    public void OnLoad(int thread, long methodId, ulong start, int size)
    {
        if (start == 0 || size <= 0) return;
        var body = new CodeBody(start, start + (ulong)size);
        var key = (thread, methodId);
        if (_earlyMaps.Remove(key, out var early)) body.SetMap(early.Native, early.IL);
        else
        {
            if (_awaitingMap.Count >= PendingLimit) _awaitingMap.Clear();
            _awaitingMap[key] = body;
        }
        _byStart[start] = body;
        _recent.Add(body);
        if (_recent.Count >= RecentLimit) Merge();
    }

    /// <summary>Records the IL-to-native map of the body that <paramref name="methodId"/> just loaded on
    /// <paramref name="thread"/>. Only the main (hot) extent is kept.</summary>
    public void OnMap(int thread, long methodId, int extent, int count, Func<int, int> ilOffset, Func<int, int> nativeOffset)
    {
        if (extent != 0 || count <= 0) return;
        var native = new int[count];
        var il = new int[count];
        for (int i = 0; i < count; i++)
        {
            native[i] = nativeOffset(i);
            il[i] = ilOffset(i);
        }
        Array.Sort(native, il);
        var key = (thread, methodId);
        if (_awaitingMap.Remove(key, out var body)) body.SetMap(native, il);
        else
        {
            if (_earlyMaps.Count >= PendingLimit) _earlyMaps.Clear();
            _earlyMaps[key] = (native, il);
        }
    }

    /// <summary>Adds the bodies of <paramref name="other"/> (a rundown read elsewhere) that this map does not know.</summary>
    public void AddMissing(NativeCodeMap other)
    {
        foreach (var (start, body) in other._byStart) _byStart.TryAdd(start, body);
        Merge();
    }

    /// <summary>The IL offset of the instruction at <paramref name="address"/>, or -1 when the address is in no known
    /// jitted body, the body has no map, or the JIT mapped it to no IL (prolog, epilog, unmapped code).</summary>
    public int ILOffset(ulong address, out bool jitted)
    {
        var body = Find(address);
        jitted = body != null;
        return body?.ILOffset((int)(address - body.Start)) ?? -1;
    }

    private CodeBody? Find(ulong address)
    {
        for (int i = _recent.Count - 1; i >= 0; i--)
        {
            var b = _recent[i];
            if (address >= b.Start && address < b.End && ReferenceEquals(_byStart.GetValueOrDefault(b.Start), b)) return b;
        }
        int j = Array.BinarySearch(_starts, address);
        if (j < 0) j = ~j - 1;
        // Bodies may overlap when code memory was reused: look back a little.
        for (int k = j; k >= 0 && k > j - 8; k--)
        {
            var b = _sorted[k];
            if (address >= b.Start && address < b.End) return b;
        }
        return null;
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

    private sealed class CodeBody
    {
        private int[]? _native;
        private int[]? _il;

        public CodeBody(ulong start, ulong end)
        {
            Start = start;
            End = end;
        }

        public ulong Start { get; }
        public ulong End { get; }

        public void SetMap(int[] native, int[] il)
        {
            _native = native;
            _il = il;
        }

        /// <summary>The IL offset of the last map entry at or before <paramref name="nativeOffset"/>; the JIT's special
        /// offsets (no mapping -1, prolog -2, epilog -3) answer -1.</summary>
        public int ILOffset(int nativeOffset)
        {
            if (_native == null || _il == null) return -1;
            int i = Array.BinarySearch(_native, nativeOffset);
            if (i < 0) i = ~i - 1;
            else while (i + 1 < _native.Length && _native[i + 1] == nativeOffset) i++;
            return i < 0 ? -1 : Math.Max(-1, _il[i]);
        }
    }
}
