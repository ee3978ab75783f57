using System.Collections.Concurrent;

namespace Pprof.Demo.Shop.Cart;

/// <summary>Carts by id, in memory.</summary>
internal sealed class CartStore
{
    /// <summary>Most carts kept (checkout removes a cart; abandoned ones stay): beyond it the store starts over, as a
    /// demo has no session expiry.</summary>
    internal const int MaxCarts = 20_000;

    private readonly ConcurrentDictionary<string, ShoppingCart> _carts = new(StringComparer.Ordinal);

    public ShoppingCart GetOrCreate(string id)
    {
        if (_carts.Count >= MaxCarts && !_carts.ContainsKey(id)) _carts.Clear();
        return _carts.GetOrAdd(id, static i => new ShoppingCart(i));
    }

    public bool Remove(string id) => _carts.TryRemove(id, out _);
}
