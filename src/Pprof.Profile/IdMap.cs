namespace Pprof.Profiles;

/// <summary>A map from profile entity ids (location, function, mapping ids) to values, where the default value means
/// "absent". Ids up to a bound chosen from the number of entries live in a flat array, so lookups in hot loops (one
/// per frame of every sample) cost an index; any other id falls back to a dictionary, so an input with huge ids
/// cannot make the map allocate more than its size justifies.</summary>
/// <typeparam name="TValue">The value type; its default value means "absent".</typeparam>
public sealed class IdMap<TValue>
{
    private readonly TValue[] _dense;
    private Dictionary<ulong, TValue>? _sparse;

    /// <summary>Creates a map for <paramref name="count"/> entries whose ids go up to <paramref name="maxId"/>: ids up
    /// to <paramref name="maxId"/> are in the array when that is not much more than <paramref name="count"/>.</summary>
    public IdMap(ulong maxId, int count)
    {
        ulong bound = (ulong)Math.Max(count, 0) * 4 + 1024;
        _dense = new TValue[maxId < bound && maxId < 1 << 26 ? (int)maxId + 1 : (int)Math.Min(bound, 1 << 26)];
    }

    /// <summary>Creates a map for the ids of <paramref name="locations"/>.</summary>
    public static IdMap<TValue> ForLocations(IReadOnlyList<Location> locations)
    {
        ArgumentNullException.ThrowIfNull(locations);
        ulong max = 0;
        foreach (var l in locations) if (l != null && l.Id > max) max = l.Id;
        return new IdMap<TValue>(max, locations.Count);
    }

    /// <summary>The array part: the value of id <c>i</c> is at index <c>i</c> for every <c>i</c> below its length;
    /// ids from its length on are in the dictionary part.</summary>
    public ReadOnlySpan<TValue> Dense => _dense;

    /// <summary>The value for <paramref name="id"/>, or the default when absent.</summary>
    public TValue GetOrDefault(ulong id)
    {
        var dense = _dense;
        if (id < (ulong)dense.Length) return dense[id];
        return _sparse != null && _sparse.TryGetValue(id, out var v) ? v : default!;
    }

    /// <summary>Sets the value for <paramref name="id"/>.</summary>
    public void Set(ulong id, TValue value)
    {
        if (id < (ulong)_dense.Length) _dense[id] = value;
        else (_sparse ??= new Dictionary<ulong, TValue>())[id] = value;
    }

    /// <summary>Sets the value for <paramref name="id"/> unless it has one (a value other than the default); false then.</summary>
    public bool TryAdd(ulong id, TValue value)
    {
        if (id < (ulong)_dense.Length)
        {
            if (!EqualityComparer<TValue>.Default.Equals(_dense[id], default!)) return false;
            _dense[id] = value;
            return true;
        }
        return (_sparse ??= new Dictionary<ulong, TValue>()).TryAdd(id, value);
    }
}
