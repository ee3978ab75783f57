namespace Pprof.Runtime.Heap;

/// <summary>The dominator tree of an object graph (CSR: <c>start</c> offsets, <c>edges</c> targets, -1 for none) below
/// a virtual root whose children are the given roots. Lengauer and Tarjan's algorithm with path compression
/// (O(m log n) at any graph shape), written without recursion and on flat int arrays (about 36 bytes per node and 4
/// per edge at the peak), so that deep chains cannot overflow the stack and tens of millions of objects fit.</summary>
internal sealed class Dominators
{
    /// <summary>Checked for cancellation and progress every this many steps.</summary>
    private const int Stride = 1 << 16;

    private Dominators(int[] idom, int[] preorder, int reached)
    {
        Idom = idom;
        Preorder = preorder;
        Reached = reached;
    }

    /// <summary>Immediate dominator of every node: another node, the virtual root (index n), or -1 for a node the
    /// roots do not reach; indexed 0 to n (the array may be longer). <c>Idom[n]</c> is n.</summary>
    public int[] Idom { get; }

    /// <summary>Reached nodes in depth-first preorder, the virtual root (n) first: every node comes after its
    /// dominators, so walking it backwards visits a node's dominated nodes before the node.</summary>
    public int[] Preorder { get; }

    /// <summary>Nodes in <see cref="Preorder"/>, the virtual root included.</summary>
    public int Reached { get; }

    /// <summary>Computes the dominator tree of the <paramref name="n"/> nodes reached from <paramref name="roots"/>.
    /// With <paramref name="reachAll"/>, every node the roots do not reach becomes a child of the virtual root, in
    /// index order, unless an earlier such node reaches it. <paramref name="step"/>, when given, is called with the nodes processed so far in each of the three passes.</summary>
    public static Dominators Compute(int n, int[] start, int[] edges, IEnumerable<int> roots, bool reachAll = false, CancellationToken cancellationToken = default, Action<long>? step = null)
    {
        // Preorder numbers are 1-based; 0 means "none". Number 1 is the virtual root.
        var dfn = new int[n + 1];
        var vertex = new int[n + 2];
        var parent = new int[n + 2];
        var rootChild = new bool[n];
        var rootList = new List<int>();
        foreach (int r in roots)
        {
            if ((uint)r >= (uint)n || rootChild[r]) continue;
            rootChild[r] = true;
            rootList.Add(r);
        }

        // Iterative depth-first search. The work stacks (node and next edge) are reused below as the bucket lists.
        var stackNode = new int[n + 2];
        var stackEdge = new int[n + 2];
        int count = 1;
        dfn[n] = 1;
        vertex[1] = n;
        void Visit(int r)
        {
            dfn[r] = ++count;
            vertex[count] = r;
            parent[count] = 1;
            int sp = 0;
            stackNode[sp] = r;
            stackEdge[sp] = start[r];
            sp++;
            while (sp > 0)
            {
                int u = stackNode[sp - 1];
                int e = stackEdge[sp - 1];
                if (e >= start[u + 1])
                {
                    sp--;
                    continue;
                }
                stackEdge[sp - 1] = e + 1;
                int v = edges[e];
                if (v < 0 || dfn[v] != 0) continue;
                dfn[v] = ++count;
                vertex[count] = v;
                parent[count] = dfn[u];
                stackNode[sp] = v;
                stackEdge[sp] = start[v];
                sp++;
                if ((count & (Stride - 1)) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    step?.Invoke(count);
                }
            }
        }

        foreach (int r in rootList)
        {
            if (dfn[r] == 0) Visit(r);
        }
        if (reachAll)
        {
            // What the roots do not reach hangs below the virtual root too, one depth-first tree per unvisited node.
            for (int o = 0; o < n; o++)
            {
                if (dfn[o] != 0) continue;
                rootChild[o] = true;
                Visit(o);
            }
        }
        int reached = count;

        // Predecessors of the reached nodes, in preorder numbers (CSR).
        var predStart = new int[reached + 2];
        for (int u = 0; u < n; u++)
        {
            if (dfn[u] == 0) continue;
            for (int e = start[u], end = start[u + 1]; e < end; e++)
            {
                int v = edges[e];
                if (v >= 0 && dfn[v] != 0) predStart[dfn[v] + 1]++;
            }
        }
        for (int i = 1; i < predStart.Length; i++) predStart[i] += predStart[i - 1];
        var preds = new int[predStart[reached + 1]];
        var fill = stackNode;
        Array.Copy(predStart, fill, reached + 1);
        for (int u = 0; u < n; u++)
        {
            int du = dfn[u];
            if (du == 0) continue;
            for (int e = start[u], end = start[u + 1]; e < end; e++)
            {
                int v = edges[e];
                if (v >= 0 && dfn[v] != 0) preds[fill[dfn[v]]++] = du;
            }
        }
        cancellationToken.ThrowIfCancellationRequested();

        // Semidominators, from the last preorder number to the first (Lengauer–Tarjan, simple linking).
        var semi = new int[n + 2];
        var label = new int[n + 2];
        var ancestor = new int[n + 2];
        for (int i = 1; i <= reached; i++)
        {
            semi[i] = i;
            label[i] = i;
        }
        var bucketHead = stackNode;
        var bucketNext = stackEdge;
        Array.Clear(bucketHead);
        Array.Clear(bucketNext);
        // A node's bucket link is last read when the node leaves its bucket, which is when its (relative) dominator
        // is found: so the two share one array.
        var idom = bucketNext;
        var path = dfn;

        int Eval(int v)
        {
            if (ancestor[v] == 0) return v;
            // Path compression without recursion: collect the path up to the linked forest's root, then fold it
            // from the top down.
            int top = 0;
            for (int x = v; ancestor[ancestor[x]] != 0; x = ancestor[x]) path[top++] = x;
            while (top > 0)
            {
                int x = path[--top];
                int a = ancestor[x];
                if (semi[label[a]] < semi[label[x]]) label[x] = label[a];
                ancestor[x] = ancestor[a];
            }
            return label[v];
        }

        for (int w = reached; w >= 2; w--)
        {
            int node = vertex[w];
            if (rootChild[node]) semi[w] = 1;
            for (int e = predStart[w], end = predStart[w + 1]; e < end; e++)
            {
                int u = Eval(preds[e]);
                if (semi[u] < semi[w]) semi[w] = semi[u];
            }
            bucketNext[w] = bucketHead[semi[w]];
            bucketHead[semi[w]] = w;
            int p = parent[w];
            ancestor[w] = p;
            for (int v = bucketHead[p]; v != 0;)
            {
                int next = bucketNext[v];
                int u = Eval(v);
                idom[v] = semi[u] < semi[v] ? u : p;
                v = next;
            }
            bucketHead[p] = 0;
            if ((w & (Stride - 1)) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                step?.Invoke(reached - w);
            }
        }
        for (int w = 2; w <= reached; w++)
        {
            if (idom[w] != semi[w]) idom[w] = idom[idom[w]];
        }

        // Back to node indices: the result reuses the arrays of the passes.
        var result = ancestor;
        Array.Fill(result, -1);
        result[n] = n;
        var preorder = semi;
        for (int w = 1; w <= reached; w++)
        {
            preorder[w - 1] = vertex[w];
            if (w >= 2) result[vertex[w]] = vertex[idom[w]];
        }
        return new Dominators(result, preorder, reached);
    }
}
