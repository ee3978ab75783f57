namespace Pprof.Report.Tests;

public class GraphEdgeMapTests
{
    private static Node N(string name) => new() { Info = new NodeInfo { Name = name } };

    [Theory]
    [InlineData(3)]
    [InlineData(50)]
    public void LookupRemoveAndOrderBehaveLikeADictionary(int size)
    {
        var src = N("src");
        var map = new EdgeMap();
        var nodes = Enumerable.Range(0, size).Select(i => N("n" + i)).ToList();
        foreach (var n in nodes) map[n] = new Edge(src, n) { Weight = nodes.IndexOf(n) };
        Assert.Equal(size, map.Count);
        Assert.Equal(nodes, map.Keys);
        Assert.Throws<ArgumentException>(() => map.Add(nodes[0], new Edge(src, nodes[0])));
        Assert.True(map.TryGetValue(nodes[size - 1], out var last));
        Assert.Equal(size - 1, last!.Weight);
        Assert.False(map.ContainsKey(src));
        Assert.Throws<KeyNotFoundException>(() => map[src]);

        // Remove every other edge: lookups and order stay right through compaction.
        for (int i = 0; i < size; i += 2) Assert.True(map.Remove(nodes[i]));
        Assert.False(map.Remove(nodes[0]));
        var left = nodes.Where((_, i) => i % 2 == 1).ToList();
        Assert.Equal(left, map.Keys);
        Assert.Equal(left.Select(n => (long)nodes.IndexOf(n)), map.Values.Select(e => e.Weight));
        foreach (var n in left) Assert.Same(n, map[n].Dest);
        Assert.Equal(left.Sum(n => (long)nodes.IndexOf(n)), map.Sum());

        // Replacing keeps the position; re-adding a removed node appends.
        var replacement = new Edge(src, left[0]) { Weight = 1000 };
        map[left[0]] = replacement;
        Assert.Same(replacement, map.Values.First());
        map[nodes[0]] = new Edge(src, nodes[0]);
        Assert.Same(nodes[0], map.Keys.Last());
        Assert.Equal(replacement, map.Sort()[0]);

        map.Clear();
        Assert.Empty(map);
        Assert.False(map.ContainsKey(left[0]));
    }
}
