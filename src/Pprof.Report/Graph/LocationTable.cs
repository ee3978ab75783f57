using Pprof.Profiles;

namespace Pprof.Report;

/// <summary>Per-location data looked up by location id: a flat array when ids are dense (the usual case), a
/// dictionary otherwise.</summary>
internal sealed class LocationTable<T> where T : class
{
    private readonly T?[]? _dense;
    private readonly Dictionary<ulong, T>? _sparse;

    public LocationTable(List<Location> locations)
    {
        ulong max = 0;
        foreach (var l in locations) max = Math.Max(max, l.Id);
        if (max <= (ulong)locations.Count * 2 + 16) _dense = new T?[max + 1];
        else _sparse = new Dictionary<ulong, T>(locations.Count);
    }

    public void Set(Location l, T value)
    {
        if (_dense != null) _dense[l.Id] = value;
        else _sparse![l.Id] = value;
    }

    /// <summary>The per-id array when ids are dense (index = location id), else null.</summary>
    public T?[]? Dense => _dense;

    public T? Find(Location l)
    {
        if (_dense != null)
        {
            ulong id = l.Id;
            return id < (ulong)_dense.Length ? _dense[id] : null;
        }
        return _sparse!.TryGetValue(l.Id, out var v) ? v : null;
    }
}
