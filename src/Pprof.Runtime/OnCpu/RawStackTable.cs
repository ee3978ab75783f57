namespace Pprof.Runtime.OnCpu;

/// <summary>Counts samples by (thread, raw call chain, labels) without allocating per sample: call chains are copied
/// into one growing pool of addresses the first time they are seen, and found again through an open-addressing hash
/// table that compares them in place. Not thread-safe: the sampler's reader thread fills it, the snapshot reads it
/// after the reader has stopped.</summary>
internal sealed class RawStackTable
{
    /// <summary>Most distinct (thread, stack, labels) entries kept; samples of new stacks past it are counted as dropped.</summary>
    public const int MaxEntries = 1 << 20;

    /// <summary>Most addresses kept in the pool (64 MiB of addresses).</summary>
    public const int MaxPool = 8 << 20;

    private ulong[] _pool = new ulong[4096];
    private int _poolUsed;
    private Entry[] _entries = new Entry[256];
    private int _count;
    private int[] _buckets = NewBuckets(512);

    /// <summary>Samples that found no room (table or pool full).</summary>
    public long Dropped { get; private set; }

    public int Count => _count;

    /// <summary>Adds one sample of thread <paramref name="tid"/> with call chain <paramref name="stack"/> (leaf first)
    /// and labels <paramref name="labels"/> (compared by reference; null for none).</summary>
    public void Add(int tid, ReadOnlySpan<ulong> stack, object? labels)
    {
        int hash = Hash(tid, stack, labels);
        int mask = _buckets.Length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            int e = _buckets[i];
            if (e < 0) break;
            ref var entry = ref _entries[e];
            if (entry.Hash == hash && entry.Tid == tid && ReferenceEquals(entry.Labels, labels) && entry.Length == stack.Length
                && _pool.AsSpan(entry.Offset, entry.Length).SequenceEqual(stack))
            {
                entry.Count++;
                return;
            }
        }
        if (_count >= MaxEntries || _poolUsed + stack.Length > MaxPool)
        {
            Dropped++;
            return;
        }
        if (_poolUsed + stack.Length > _pool.Length) Array.Resize(ref _pool, Math.Min(MaxPool, Math.Max(_pool.Length * 2, _poolUsed + stack.Length)));
        stack.CopyTo(_pool.AsSpan(_poolUsed));
        if (_count == _entries.Length) Array.Resize(ref _entries, _entries.Length * 2);
        _entries[_count] = new Entry { Hash = hash, Tid = tid, Labels = labels, Offset = _poolUsed, Length = stack.Length, Count = 1 };
        _poolUsed += stack.Length;
        Insert(_count++, hash);
        if (_count * 2 > _buckets.Length) Rehash();
    }

    /// <summary>The entries: thread, stack (leaf first), labels and sample count.</summary>
    public IEnumerable<(int Tid, ulong[] Stack, object? Labels, long Count)> Entries()
    {
        for (int i = 0; i < _count; i++)
        {
            var e = _entries[i];
            yield return (e.Tid, _pool.AsSpan(e.Offset, e.Length).ToArray(), e.Labels, e.Count);
        }
    }

    private void Insert(int index, int hash)
    {
        int mask = _buckets.Length - 1;
        int i = hash & mask;
        while (_buckets[i] >= 0) i = (i + 1) & mask;
        _buckets[i] = index;
    }

    private void Rehash()
    {
        _buckets = NewBuckets(_buckets.Length * 2);
        for (int i = 0; i < _count; i++) Insert(i, _entries[i].Hash);
    }

    private static int[] NewBuckets(int size)
    {
        var b = new int[size];
        Array.Fill(b, -1);
        return b;
    }

    private static int Hash(int tid, ReadOnlySpan<ulong> stack, object? labels)
    {
        ulong h = 14695981039346656037UL ^ (uint)tid;
        foreach (ulong a in stack) h = (h ^ a) * 1099511628211UL;
        h ^= (ulong)(labels == null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(labels));
        h ^= h >> 29;
        return (int)(h & 0x7fffffff);
    }

    private struct Entry
    {
        public int Hash;
        public int Tid;
        public object? Labels;
        public int Offset;
        public int Length;
        public long Count;
    }
}
