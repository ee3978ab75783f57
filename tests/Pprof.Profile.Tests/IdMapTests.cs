namespace Pprof.Profiles.Tests;

/// <summary>The one id table: ids up to the array bound in the array, any other id (huge ones from a hostile profile
/// included) in the dictionary, without allocating for the id's size.</summary>
public class IdMapTests
{
    [Fact]
    public void DenseAndSparseIdsAreFound()
    {
        var map = new IdMap<string?>(maxId: 10, count: 10);
        Assert.Equal(11, map.Dense.Length);
        Assert.True(map.TryAdd(3, "three"));
        Assert.True(map.TryAdd(1UL << 60, "huge"));
        Assert.False(map.TryAdd(3, "again"));
        Assert.False(map.TryAdd(1UL << 60, "again"));
        Assert.Equal("three", map.GetOrDefault(3));
        Assert.Equal("huge", map.GetOrDefault(1UL << 60));
        Assert.Null(map.GetOrDefault(4));
        Assert.Null(map.GetOrDefault(ulong.MaxValue));
    }

    [Fact]
    public void HugeMaxIdDoesNotSizeTheArray()
    {
        var map = new IdMap<int>(maxId: ulong.MaxValue, count: 2);
        Assert.Equal(4 * 2 + 1024, map.Dense.Length);
        map.Set(ulong.MaxValue, 7);
        Assert.Equal(7, map.GetOrDefault(ulong.MaxValue));
    }
}
