namespace Pprof.Demo.Shop.Cart;

/// <summary>A customer's cart. Thread-safe: one visitor may send requests concurrently.</summary>
internal sealed class ShoppingCart
{
    /// <summary>Most lines a cart holds; adding more replaces the oldest line (keeps the demo's memory bounded).</summary>
    internal const int MaxLines = 20;

    private readonly List<CartLine> _lines = new();

    public ShoppingCart(string id) => Id = id;

    public string Id { get; }

    /// <summary>A copy of the lines.</summary>
    public CartLine[] Lines
    {
        get { lock (_lines) return _lines.ToArray(); }
    }

    public void Add(CartLine line)
    {
        lock (_lines)
        {
            int existing = _lines.FindIndex(l => l.ProductId == line.ProductId);
            if (existing >= 0)
            {
                _lines[existing] = _lines[existing] with { Quantity = _lines[existing].Quantity + line.Quantity };
                return;
            }
            if (_lines.Count == MaxLines) _lines.RemoveAt(0);
            _lines.Add(line);
        }
    }

    /// <summary>Removes and returns every line.</summary>
    public CartLine[] TakeAll()
    {
        lock (_lines)
        {
            var all = _lines.ToArray();
            _lines.Clear();
            return all;
        }
    }
}
