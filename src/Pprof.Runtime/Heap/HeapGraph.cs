namespace Pprof.Runtime.Heap;

/// <summary>The object graph of one GC heap snapshot, held in flat arrays so that tens of millions of objects fit in a
/// bounded amount of memory: per object an address, a size, a type index and an edge count; the edges as one
/// concatenated array of target addresses, later resolved to object indices. Objects beyond <see cref="MaxObjects"/>
/// are not stored individually: they are counted by type only, and the profile says so.</summary>
internal sealed class HeapGraph
{
    private ulong[] _address = new ulong[1024];
    private uint[] _size = new uint[1024];
    private int[] _type = new int[1024];
    private int[] _edgeCount = new int[1024];
    private ulong[] _edgeTarget = new ulong[4096];
    private readonly Dictionary<ulong, int> _typeById = new();
    private readonly Dictionary<int, long> _hugeSizes = new();

    public HeapGraph(int maxObjects)
    {
        MaxObjects = maxObjects;
        MaxEdges = Math.Min((long)maxObjects * 8, Array.MaxLength);
    }

    /// <summary>References beyond this count are dropped (and reported).</summary>
    public long MaxEdges { get; }

    /// <summary>Objects beyond this count are aggregated by type (no retention path).</summary>
    public int MaxObjects { get; }

    /// <summary>Formatted type names by type index.</summary>
    public List<string> TypeNames { get; } = new();

    /// <summary>Stored objects.</summary>
    public int ObjectCount { get; private set; }

    /// <summary>Stored edges.</summary>
    public long EdgeCount { get; private set; }

    /// <summary>Objects reported beyond <see cref="MaxObjects"/>, by type index: count and bytes.</summary>
    public Dictionary<int, (long Count, long Bytes)> Overflow { get; } = new();

    /// <summary>Roots in the order they were reported: (object address, root frame name, priority; lower first).</summary>
    public List<(ulong Address, string Root, int Priority)> Roots { get; } = new();

    /// <summary>Edges reported for objects beyond the limit (consumed and dropped).</summary>
    public long DroppedEdges { get; private set; }

    /// <summary>Object edges after <see cref="Resolve"/>: CSR start offsets (length ObjectCount+1) and target indices
    /// (-1 for a target that is not a reported object).</summary>
    public int[] EdgeStart { get; private set; } = Array.Empty<int>();

    public int[] Edges { get; private set; } = Array.Empty<int>();

    /// <summary>Root object indices after <see cref="Resolve"/>, in root order, with their root frame and priority.</summary>
    public List<(int Object, string Root, int Priority)> ResolvedRoots { get; } = new();

    /// <summary>Roots whose object is not in the snapshot.</summary>
    public int UnresolvedRoots { get; private set; }

    /// <summary>Edges whose target is not in the snapshot.</summary>
    public long UnresolvedEdges { get; private set; }

    public int TypeOf(int obj) => _type[obj];

    public long SizeOf(int obj)
    {
        uint s = _size[obj];
        return s == uint.MaxValue && _hugeSizes.TryGetValue(obj, out long big) ? big : s;
    }

    private readonly Dictionary<int, ulong> _arrayElement = new();

    /// <summary>Records a type name for a runtime type id (first name wins). Arrays come without a name: they are
    /// named after their element type (<paramref name="elementTypeId"/>) once all types are known.</summary>
    public void AddType(ulong typeId, string name, ulong elementTypeId = 0, int rank = 0, int token = 0)
    {
        if (_typeById.TryGetValue(typeId, out int existing))
        {
            if (!TypeNames[existing].StartsWith("[type 0x", StringComparison.Ordinal)) return;
        }
        else
        {
            existing = TypeNames.Count;
            _typeById.Add(typeId, existing);
            TypeNames.Add("");
        }
        if (elementTypeId != 0)
        {
            _arrayElement[existing] = elementTypeId;
            TypeNames[existing] = "[type 0x" + typeId.ToString("x") + "]";
            _arrayRank[existing] = rank;
        }
        else
        {
            TypeNames[existing] = Internal.TypeNames.Format(name);
            // Nested types come with their simple name only ("Entry<string,object>"): complete them from metadata.
            int lt = name.IndexOf('<') is int l and > 0 ? l : name.IndexOf('[') is int b and > 0 ? b : name.Length;
            if (token != 0 && name.AsSpan(0, lt).IndexOf('.') < 0) _simpleNames.Add((existing, token, name[..lt], name[lt..]));
        }
    }

    private readonly List<(int Index, int Token, string Simple, string Suffix)> _simpleNames = new();

    /// <summary>The (token, simple name) pairs of types that came without namespace or declaring type.</summary>
    public IEnumerable<(int Token, string Simple)> SimpleTypeNames() => _simpleNames.Select(s => (s.Token, s.Simple));

    /// <summary>Replaces simple type names by their full names (<c>Ns.Outer.Inner</c>) where metadata knows them.</summary>
    public void ResolveSimpleNames(IReadOnlyDictionary<(int Token, string Simple), string> fullNames)
    {
        foreach (var (index, token, simple, rest) in _simpleNames)
        {
            if (fullNames.TryGetValue((token, simple), out string? full)) TypeNames[index] = Internal.TypeNames.Format(full + rest);
        }
        _simpleNames.Clear();
    }

    private readonly Dictionary<int, int> _arrayRank = new();

    /// <summary>Names array types after their element types (recursively, for arrays of arrays).</summary>
    public void ResolveArrayNames()
    {
        string NameOf(int index, int depth)
        {
            if (!_arrayElement.TryGetValue(index, out ulong element) || depth > 16) return TypeNames[index];
            string elementName = _typeById.TryGetValue(element, out int e) ? NameOf(e, depth + 1) : "[type 0x" + element.ToString("x") + "]";
            int rank = _arrayRank.GetValueOrDefault(index);
            return elementName + (rank > 1 ? "[" + new string(',', rank - 1) + "]" : "[]");
        }
        foreach (int index in _arrayElement.Keys.ToList()) TypeNames[index] = NameOf(index, 0);
        _arrayElement.Clear();
    }

    /// <summary>Names types the snapshot left unnamed from <paramref name="known"/> (names an earlier snapshot of the
    /// same process resolved: the runtime sends a type's name only once per process), then adds this snapshot's resolved
    /// names to it.</summary>
    public void ShareTypeNames(Dictionary<ulong, string> known)
    {
        foreach (var (typeId, index) in _typeById)
        {
            if (TypeNames[index].StartsWith("[type 0x", StringComparison.Ordinal))
            {
                if (known.TryGetValue(typeId, out string? name)) TypeNames[index] = name;
            }
            else known[typeId] = TypeNames[index];
        }
    }

    public int TypeIndex(ulong typeId)
    {
        if (_typeById.TryGetValue(typeId, out int i)) return i;
        i = TypeNames.Count;
        _typeById.Add(typeId, i);
        TypeNames.Add("[type 0x" + typeId.ToString("x") + "]");
        return i;
    }

    /// <summary>Type name of a runtime type id, or null when unknown.</summary>
    public string? TypeName(ulong typeId) => _typeById.TryGetValue(typeId, out int i) ? TypeNames[i] : null;

    public void AddObject(ulong address, ulong size, ulong typeId, long edgeCount)
    {
        int type = TypeIndex(typeId);
        if (ObjectCount >= MaxObjects)
        {
            Overflow.TryGetValue(type, out var o);
            Overflow[type] = (o.Count + 1, o.Bytes + (long)size);
            return;
        }
        int n = ObjectCount;
        if (n == _address.Length)
        {
            int cap = n < 1 << 20 ? n * 2 : n + n / 2;
            Array.Resize(ref _address, cap);
            Array.Resize(ref _size, cap);
            Array.Resize(ref _type, cap);
            Array.Resize(ref _edgeCount, cap);
        }
        _address[n] = address;
        if (size >= uint.MaxValue)
        {
            _size[n] = uint.MaxValue;
            _hugeSizes[n] = (long)size;
        }
        else _size[n] = (uint)size;
        _type[n] = type;
        _edgeCount[n] = (int)edgeCount;
        ObjectCount = n + 1;
    }

    public void AddEdge(ulong target)
    {
        // Edge batches may arrive before the batch of the objects they belong to, so edges are kept up to a cap
        // rather than by matching; those of objects beyond the object limit are cut off at Resolve.
        if (EdgeCount >= MaxEdges)
        {
            DroppedEdges++;
            return;
        }
        if (EdgeCount == _edgeTarget.Length)
        {
            long cap = EdgeCount < 1 << 22 ? EdgeCount * 2 : EdgeCount + EdgeCount / 2;
            if (cap > Array.MaxLength) cap = Array.MaxLength;
            Array.Resize(ref _edgeTarget, (int)cap);
        }
        _edgeTarget[EdgeCount++] = target;
    }

    private long _expectedEdges;
    private int _expectedUpTo;

    private long ExpectedStoredEdges()
    {
        // Running sum of the edge counts of stored objects.
        while (_expectedUpTo < ObjectCount) _expectedEdges += _edgeCount[_expectedUpTo++];
        return _expectedEdges;
    }

    public void AddRoot(ulong address, string root, int priority) => Roots.Add((address, root, priority));

    private readonly List<(int RootIndex, ulong TypeId, string Field)> _statics = new();

    /// <summary>A static field root; named <c>static Type.Field</c> once all type names are known.</summary>
    public void AddStaticRoot(ulong address, ulong typeId, string field)
    {
        _statics.Add((Roots.Count, typeId, field));
        Roots.Add((address, "", RootRank.RuntimeStatic));
    }

    /// <summary>The field names of the static roots.</summary>
    public HashSet<string> StaticFieldNames() => _statics.Select(s => s.Field).ToHashSet(StringComparer.Ordinal);

    /// <summary>Names the static roots <c>static DeclaringType.Field</c>. The snapshot gives the field's name and the
    /// type of the object in it, not the declaring type: <paramref name="owners"/> lists, by field name, the
    /// (declaring type, field type) pairs of static fields found in the process's assemblies. A field whose owner
    /// cannot be told apart is named <c>static ?.Field</c>, with its object's type.</summary>
    public void ResolveStaticNames(IReadOnlyDictionary<string, List<(string Owner, string FieldType)>> owners)
    {
        foreach (var (i, typeId, field) in _statics)
        {
            string objectType = TypeName(typeId) ?? "[type 0x" + typeId.ToString("x") + "]";
            string? owner = null;
            if (owners.TryGetValue(field, out var candidates))
            {
                var distinct = candidates.Select(c => c.Owner).Distinct().ToList();
                if (distinct.Count == 1) owner = distinct[0];
                else
                {
                    var typed = candidates.Where(c => c.FieldType == objectType || StripGenerics(c.FieldType) == StripGenerics(objectType)).Select(c => c.Owner).Distinct().ToList();
                    if (typed.Count == 1) owner = typed[0];
                }
            }
            Roots[i] = (Roots[i].Address, owner != null ? "static " + owner + "." + field : "static ?." + field + " (" + objectType + ")", RootRank.OfStatic(owner));
        }
        _statics.Clear();
    }

    private static string StripGenerics(string t)
    {
        int lt = t.IndexOf('<');
        return lt > 0 ? t[..lt] : t;
    }

    /// <summary>Turns addresses into object indices and the edge counts into CSR offsets; frees the address arrays.</summary>
    public void Resolve(ProgressThrottle? progress = null, CancellationToken cancellationToken = default)
    {
        int n = ObjectCount;
        var addr = _address;
        Array.Resize(ref addr, n);
        _address = Array.Empty<ulong>();
        var index = new int[n];
        for (int i = 0; i < n; i++) index[i] = i;
        bool sorted = true;
        for (int i = 1; i < n && sorted; i++) sorted = addr[i - 1] < addr[i];
        if (!sorted) Array.Sort(addr, index);

        // Lookups by address: a binary search over all objects misses the cache at every step; a table of 4 KiB pages
        // (first object and count per page) narrows each search to the few objects of one page.
        var pages = new Dictionary<ulong, long>();
        for (int i = 0; i < n;)
        {
            ulong page = addr[i] >> 12;
            int j = i + 1;
            while (j < n && addr[j] >> 12 == page) j++;
            pages[page] = ((long)i << 32) | (uint)(j - i);
            i = j;
        }

        int Find(ulong a)
        {
            if (!pages.TryGetValue(a >> 12, out long range)) return -1;
            int lo = (int)(range >> 32), hi = lo + (int)(uint)range - 1;
            while (lo <= hi)
            {
                int mid = (int)((uint)(lo + hi) >> 1);
                ulong m = addr[mid];
                if (m == a) return index[mid];
                if (m < a) lo = mid + 1;
                else hi = mid - 1;
            }
            return -1;
        }

        long stored = ExpectedStoredEdges();
        long e = Math.Min(EdgeCount, stored);
        if (e > int.MaxValue) throw new ProfilerException("heap snapshot has more than 2^31 references");
        var start = new int[n + 1];
        long acc = 0;
        for (int i = 0; i < n; i++)
        {
            start[i] = (int)Math.Min(acc, e);
            acc += _edgeCount[i];
        }
        start[n] = (int)e;
        var edges = new int[e];
        for (long i = 0; i < e; i++)
        {
            if ((i & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report("references", i, e);
            }
            int t = Find(_edgeTarget[i]);
            if (t < 0) UnresolvedEdges++;
            edges[i] = t;
        }
        _edgeTarget = Array.Empty<ulong>();
        _edgeCount = Array.Empty<int>();
        foreach (var (a, root, prio) in Roots)
        {
            int o = Find(a);
            if (o < 0) UnresolvedRoots++;
            else ResolvedRoots.Add((o, root, prio));
        }
        Roots.Clear();
        EdgeStart = start;
        Edges = edges;
        Array.Resize(ref _size, n);
        Array.Resize(ref _type, n);
    }

    /// <summary>Edges that the snapshot announced for stored objects but never delivered (lost events).</summary>
    public long MissingEdges => Math.Max(0, ExpectedStoredEdges() - EdgeCount);
}
