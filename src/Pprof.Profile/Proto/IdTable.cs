namespace Pprof.Profile.Proto;

/// <summary>Maps ids to objects: a dense array for small ids, a dictionary for the rest. Rejects id 0 and duplicates.</summary>
internal sealed class IdTable<T> where T : class
{
    private T?[] _dense = new T?[64];
    private Dictionary<ulong, T>? _sparse;

    public void Add(ulong id, T value)
    {
        if (id == 0) throw new ProfileFormatException($"malformed profile: found {typeof(T).Name.ToLowerInvariant()} with reserved id 0");
        if (id < 1 << 24)
        {
            if (id >= (ulong)_dense.Length) Array.Resize(ref _dense, (int)Math.Max((ulong)_dense.Length * 2, id + 1));
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

    private static ProfileFormatException Duplicate(ulong id) => new($"malformed profile: multiple {typeof(T).Name.ToLowerInvariant()}s with same id: {id}");
}
