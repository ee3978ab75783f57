namespace Pprof.History.Internal;

/// <summary>The samples of one stored profile: the number of values per sample, the number of samples, then per
/// sample (ordered by stack id) the stack id as a delta from the previous one, the label set id (0: none) and the
/// values as zig-zag varints. Stacks and label sets are shared rows of the store.</summary>
internal static class SampleBlob
{
    /// <summary>Encodes samples sorted by (stack, label set), each key once.</summary>
    public static byte[] Encode(IReadOnlyList<KeyValuePair<SampleKey, long[]>> sorted, int valueCount, VarintWriter w)
    {
        w.Reset();
        w.Write((ulong)valueCount);
        w.Write((ulong)sorted.Count);
        long previous = 0;
        foreach (var (key, values) in sorted)
        {
            w.Write(key.Stack - previous);
            previous = key.Stack;
            w.Write(key.LabelSet);
            for (int i = 0; i < valueCount; i++) w.WriteSigned(i < values.Length ? values[i] : 0);
        }
        return w.ToArray();
    }

    /// <summary>Adds the blob's samples into <paramref name="sums"/> (those whose label set <paramref name="keep"/>
    /// accepts, when given) and returns the number of values per sample.</summary>
    public static int DecodeInto(ReadOnlySpan<byte> blob, Dictionary<SampleKey, long[]> sums, Func<long, bool>? keep)
    {
        var r = new VarintReader(blob);
        int valueCount = r.ReadCount();
        int count = r.ReadCount();
        long stack = 0;
        for (int i = 0; i < count; i++)
        {
            stack += r.ReadInt64();
            long labelSet = r.ReadInt64();
            var key = new SampleKey(stack, labelSet);
            bool use = keep == null || keep(labelSet);
            long[]? values = null;
            if (use)
            {
                ref long[]? slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(sums, key, out _);
                values = slot ??= new long[valueCount];
                if (values.Length != valueCount) throw VarintReader.Damaged();
            }
            for (int v = 0; v < valueCount; v++)
            {
                long x = r.ReadSigned();
                if (values != null) values[v] += x;
            }
        }
        return valueCount;
    }

    /// <summary>The total of value <paramref name="index"/> over the samples whose label set <paramref name="keep"/> accepts.</summary>
    public static long Total(ReadOnlySpan<byte> blob, int index, Func<long, bool> keep)
    {
        var r = new VarintReader(blob);
        int valueCount = r.ReadCount();
        int count = r.ReadCount();
        long total = 0;
        for (int i = 0; i < count; i++)
        {
            r.ReadInt64();
            bool use = keep(r.ReadInt64());
            for (int v = 0; v < valueCount; v++)
            {
                long x = r.ReadSigned();
                if (use && v == index) total += x;
            }
        }
        return total;
    }

    /// <summary>Calls <paramref name="visit"/> with each sample's stack and label set ids.</summary>
    public static void VisitKeys(ReadOnlySpan<byte> blob, Action<long, long> visit)
    {
        var r = new VarintReader(blob);
        int valueCount = r.ReadCount();
        int count = r.ReadCount();
        long stack = 0;
        for (int i = 0; i < count; i++)
        {
            stack += r.ReadInt64();
            visit(stack, r.ReadInt64());
            for (int v = 0; v < valueCount; v++) r.ReadSigned();
        }
    }
}
