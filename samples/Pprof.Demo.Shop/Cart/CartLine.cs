namespace Pprof.Demo.Shop.Cart;

/// <summary>One line of a cart.</summary>
internal sealed record CartLine(int ProductId, string Name, decimal UnitPrice, int Quantity);
