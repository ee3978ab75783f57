namespace Pprof.Profiles.Ops;

/// <summary>A map from profile entity ids (location, function, mapping ids) to values, where the default value means
/// "absent". Ids below a bound chosen from the table being indexed live in a flat array, so lookups in hot loops (one
/// per frame of every sample) cost an index; any other id falls back to a dictionary.</summary>
internal sealed class IdMap<TValue>
{
    private readonly TValue[] _dense;
    private Dictionary<ulong, TValue>? _sparse;

    /// <summary>Creates a map sized for ids up to <paramref name="maxId"/> when that is not much larger than <paramref name="count"/>.</summary>
    public IdMap(ulong maxId, int count)
    {
        ulong bound = (ulong)count * 4 + 1024;
        _dense = new TValue[maxId < bound && maxId < 1 << 26 ? (int)maxId + 1 : (int)Math.Min(bound, 1 << 26)];
    }

    /// <summary>Creates a map for the ids of <paramref name="locations"/>.</summary>
    public static IdMap<TValue> ForLocations(List<Location> locations)
    {
        ulong max = 0;
        foreach (var l in locations) if (l != null && l.Id > max) max = l.Id;
        return new IdMap<TValue>(max, locations.Count);
    }

    /// <summary>The value for <paramref name="id"/>, or the default when absent.</summary>
    public TValue GetOrDefault(ulong id)
    {
        var dense = _dense;
        if (id < (ulong)dense.Length) return dense[id];
        return _sparse != null && _sparse.TryGetValue(id, out var v) ? v : default!;
    }

    public void Set(ulong id, TValue value)
    {
        if (id < (ulong)_dense.Length) _dense[id] = value;
        else (_sparse ??= new Dictionary<ulong, TValue>())[id] = value;
    }
}
