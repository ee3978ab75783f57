namespace Pprof.Demo.Shop;

/// <summary>Body of <c>POST /api/cart/{cartId}/items</c>.</summary>
internal sealed record AddItemRequest(int ProductId, int Quantity);
