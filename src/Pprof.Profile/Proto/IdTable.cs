namespace Pprof.Profiles.Proto;

/// <summary>Maps ids to objects: a dense array for ids up to the number of entries (the usual 1..n numbering), a
/// dictionary for the rest, so an input with huge ids cannot make it allocate more than the input justifies.</summary>
internal sealed class IdTable<T> where T : class
{
    private readonly T?[] _dense;
    private Dictionary<ulong, T>? _sparse;
    private readonly string _kind;

    public IdTable(int count, string kind)
    {
        _dense = new T?[count + 1];
        _kind = kind;
    }

    /// <summary>Adds an entry; throws for id 0 and for duplicate ids (what pprof's validation rejects).</summary>
    public void Add(ulong id, T value)
    {
        if (id == 0) throw new ProfileFormatException($"malformed profile: found {_kind} with reserved id 0");
        if (id < (ulong)_dense.Length)
        {
            if (_dense[id] != null) throw Duplicate(id);
            _dense[id] = value;
            return;
        }
        _sparse ??= new Dictionary<ulong, T>();
        if (!_sparse.TryAdd(id, value)) throw Duplicate(id);
    }

    public T? Get(ulong id)
    {
        if (id < (ulong)_dense.Length) return _dense[id];
        return _sparse != null && _sparse.TryGetValue(id, out var v) ? v : null;
    }

    private ProfileFormatException Duplicate(ulong id) => new($"malformed profile: multiple {_kind}s with same id: {id}");
}
