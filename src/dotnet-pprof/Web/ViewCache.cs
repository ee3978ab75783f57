namespace Pprof.Cli.Web;

/// <summary>The views' contents of the last requests, by view and query, least recently used first out: the profile
/// never changes while the UI runs, so going back to a view (or reloading it) does not run the report again.</summary>
internal sealed class ViewCache
{
    private readonly int _capacity;
    private readonly Dictionary<string, LinkedListNode<(string Key, ViewContent Content)>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, ViewContent Content)> _order = new();

    public ViewCache(int capacity) => _capacity = capacity;

    /// <summary>The cache key of a view: its path and its query parameters in order.</summary>
    public static string Key(WebRequest req, string view) =>
        view + "?" + string.Join("&", req.Query.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value)));

    public bool TryGet(string key, out ViewContent content)
    {
        lock (_map)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                content = node.Value.Content;
                return true;
            }
        }
        content = null!;
        return false;
    }

    public void Add(string key, ViewContent content)
    {
        lock (_map)
        {
            if (_map.TryGetValue(key, out var old)) _order.Remove(old);
            _map[key] = _order.AddFirst((key, content));
            while (_map.Count > _capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _map.Remove(last.Value.Key);
            }
        }
    }
}
