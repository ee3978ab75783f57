namespace Pprof.Demo.Shop.Orders;

/// <summary>Recent orders, in memory: the last <see cref="Capacity"/> are kept (older ones would be in a database).</summary>
internal sealed class OrderStore
{
    internal const int Capacity = 256;

    private readonly LinkedList<Order> _recent = new();
    private readonly Dictionary<string, LinkedListNode<Order>> _byId = new(StringComparer.Ordinal);
    private long _placed;

    /// <summary>Orders placed since start.</summary>
    public long Placed => Interlocked.Read(ref _placed);

    public void Add(Order order)
    {
        lock (_recent)
        {
            _byId[order.Id] = _recent.AddFirst(order);
            if (_recent.Count > Capacity)
            {
                _byId.Remove(_recent.Last!.Value.Id);
                _recent.RemoveLast();
            }
        }
        Interlocked.Increment(ref _placed);
    }

    public Order? Find(string id)
    {
        lock (_recent) return _byId.TryGetValue(id, out var node) ? node.Value : null;
    }

    public Order[] Recent(int count)
    {
        lock (_recent) return _recent.Take(count).ToArray();
    }
}
