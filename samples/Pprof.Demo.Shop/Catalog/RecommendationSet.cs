namespace Pprof.Demo.Shop.Catalog;

/// <summary>The "customers also bought" block of a product page: the products and their rendered carousel markup.</summary>
internal sealed class RecommendationSet
{
    public RecommendationSet(int productId, string visitorId, Product[] items, string renderedCarousel)
    {
        ProductId = productId;
        VisitorId = visitorId;
        Items = items;
        RenderedCarousel = renderedCarousel;
        ComputedAt = DateTime.UtcNow;
    }

    public int ProductId { get; }

    public string VisitorId { get; }

    public Product[] Items { get; }

    public string RenderedCarousel { get; }

    public DateTime ComputedAt { get; }
}
