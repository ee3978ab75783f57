namespace Pprof.Cli.HistoryWeb;

/// <summary>The analysis UIs of the last selections, least recently used first out, each built once even when
/// several requests for it arrive together (a merged profile may take a while and much memory: the cache holds at
/// most <c>capacity</c>). A build that throws is not kept.</summary>
internal sealed class SelectionCache<T>
    where T : class
{
    private readonly int _capacity;
    private readonly Dictionary<string, LinkedListNode<(string Key, Lazy<T> Value)>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, Lazy<T> Value)> _order = new();

    public SelectionCache(int capacity) => _capacity = capacity;

    /// <summary>How many entries are kept now.</summary>
    public int Count
    {
        get
        {
            lock (_map) return _map.Count;
        }
    }

    /// <summary>The value for <paramref name="key"/>, made by <paramref name="build"/> when it is not kept.</summary>
    public T Get(string key, Func<T> build)
    {
        Lazy<T> lazy;
        lock (_map)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                lazy = node.Value.Value;
            }
            else
            {
                lazy = new Lazy<T>(build, LazyThreadSafetyMode.ExecutionAndPublication);
                _map[key] = _order.AddFirst((key, lazy));
                while (_map.Count > _capacity)
                {
                    var last = _order.Last!;
                    _order.RemoveLast();
                    _map.Remove(last.Value.Key);
                }
            }
        }
        try
        {
            return lazy.Value;
        }
        catch
        {
            lock (_map)
            {
                if (_map.TryGetValue(key, out var node) && ReferenceEquals(node.Value.Value, lazy))
                {
                    _order.Remove(node);
                    _map.Remove(key);
                }
            }
            throw;
        }
    }
}
