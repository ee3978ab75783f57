namespace Pprof.Demo.Shop.Catalog;

/// <summary>The in-memory catalog: a fixed set of products generated at start.</summary>
internal sealed class ProductCatalog
{
    private static readonly string[] s_categories = { "books", "coffee", "kitchen", "garden", "toys", "audio" };
    private static readonly string[] s_adjectives = { "Classic", "Organic", "Compact", "Deluxe", "Everyday", "Vintage", "Smart", "Handmade" };
    private static readonly string[] s_nouns = { "Grinder", "Notebook", "Kettle", "Planter", "Puzzle", "Speaker", "Mug", "Lamp", "Trowel", "Novel" };

    private readonly Product[] _products;
    private readonly Dictionary<string, Product[]> _byCategory;

    public ProductCatalog(int count = 120)
    {
        var random = new Random(20260101);
        _products = new Product[count];
        for (int i = 0; i < count; i++)
        {
            string category = s_categories[i % s_categories.Length];
            string name = $"{s_adjectives[random.Next(s_adjectives.Length)]} {s_nouns[random.Next(s_nouns.Length)]}";
            decimal price = Math.Round(3m + (decimal)random.NextDouble() * 120m, 2);
            _products[i] = new Product(i + 1, $"SKU-{i + 1:D5}", name, category, price, new[] { category, name.Split(' ')[0].ToLowerInvariant() });
        }
        _byCategory = _products.GroupBy(p => p.Category).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>Number of products.</summary>
    public int Count => _products.Length;

    /// <summary>The product with this id, or null.</summary>
    public Product? Find(int id) => id >= 1 && id <= _products.Length ? _products[id - 1] : null;

    /// <summary>A page of products, optionally of one category.</summary>
    public IReadOnlyList<Product> List(string? category, int page, int pageSize)
    {
        IEnumerable<Product> source = category != null && _byCategory.TryGetValue(category, out var inCategory) ? inCategory : _products;
        return source.Skip(Math.Max(0, page - 1) * pageSize).Take(pageSize).ToArray();
    }

    /// <summary>Products of the same category as <paramref name="product"/>, other than it.</summary>
    public IReadOnlyList<Product> SameCategory(Product product) => _byCategory[product.Category];
}
