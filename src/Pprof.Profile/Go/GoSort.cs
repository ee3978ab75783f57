using System.Numerics;
using System.Runtime.InteropServices;

namespace Pprof.Profiles.Go;

/// <summary>
/// Go 1.19's sorting algorithms, reproduced step for step so that orderings with ties come out exactly as pprof's do.
/// <see cref="Sort{T}(Span{T}, Func{T, T, bool})"/> is Go's unstable pattern-defeating quicksort (<c>sort.Sort</c>,
/// <c>sort.Slice</c>, <c>sort.Strings</c>): it performs the same comparisons and swaps as Go, so elements that
/// compare equal end up in the same positions. <see cref="Stable{T}(Span{T}, Func{T, T, bool})"/> is <c>sort.Stable</c>.
/// The comparison is Go's <c>less(a, b)</c>: true when <c>a</c> must come before <c>b</c>.
/// </summary>
public static class GoSort
{
    private const int MaxInsertion = 12;

    private enum Hint { Unknown, Increasing, Decreasing }

    /// <summary>Sorts a list in place like Go's <c>sort.Sort</c>/<c>sort.Slice</c>.</summary>
    public static void Sort<T>(List<T> list, Func<T, T, bool> less) => Sort(CollectionsMarshal.AsSpan(list), less);

    /// <summary>Sorts an array in place like Go's <c>sort.Sort</c>/<c>sort.Slice</c>.</summary>
    public static void Sort<T>(T[] array, Func<T, T, bool> less) => Sort(array.AsSpan(), less);

    /// <summary>Sorts a span in place like Go's <c>sort.Sort</c>/<c>sort.Slice</c> (pdqsort).</summary>
    public static void Sort<T>(Span<T> data, Func<T, T, bool> less)
    {
        int n = data.Length;
        if (n <= 1) return;
        int limit = BitLength((uint)n);
        PdqSort(data, less, 0, n, limit);
    }

    /// <summary>Sorts strings in Go's byte-wise (UTF-8) order like <c>sort.Strings</c>.</summary>
    public static void SortStrings(List<string> list) => Sort(list, static (a, b) => CompareStrings(a, b) < 0);

    /// <summary>Sorts a list stably like Go's <c>sort.Stable</c>/<c>sort.SliceStable</c>.</summary>
    public static void Stable<T>(List<T> list, Func<T, T, bool> less) => Stable(CollectionsMarshal.AsSpan(list), less);

    /// <summary>Sorts a span stably like Go's <c>sort.Stable</c> (insertion-sorted blocks merged in place).</summary>
    public static void Stable<T>(Span<T> data, Func<T, T, bool> less)
    {
        int n = data.Length;
        int blockSize = 20;
        int a = 0, b = blockSize;
        while (b <= n)
        {
            InsertionSort(data, less, a, b);
            a = b;
            b += blockSize;
        }
        InsertionSort(data, less, a, n);
        while (blockSize < n)
        {
            a = 0;
            b = 2 * blockSize;
            while (b <= n)
            {
                SymMerge(data, less, a, a + blockSize, b);
                a = b;
                b += 2 * blockSize;
            }
            int m = a + blockSize;
            if (m < n) SymMerge(data, less, a, m, n);
            blockSize *= 2;
        }
    }

    /// <summary>Compares two strings the way Go does (byte-wise over UTF-8, which is code point order).</summary>
    public static int CompareStrings(string? a, string? b)
    {
        a ??= "";
        b ??= "";
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            char x = a[i], y = b[i];
            if (x != y) return CodeUnitRank(x) - CodeUnitRank(y);
        }
        return a.Length - b.Length;
    }

    /// <summary>Orders UTF-16 code units so that surrogates (code points above U+FFFF) sort after U+E000..U+FFFF.</summary>
    private static int CodeUnitRank(char c)
    {
        if (c < 0xD800) return c;
        if (c <= 0xDFFF) return c + 0x2000;
        return c - 0x800;
    }

    private static int BitLength(uint x) => 32 - BitOperations.LeadingZeroCount(x);

    private static void Swap<T>(Span<T> data, int i, int j) => (data[i], data[j]) = (data[j], data[i]);

    private static void InsertionSort<T>(Span<T> data, Func<T, T, bool> less, int a, int b)
    {
        for (int i = a + 1; i < b; i++)
        {
            for (int j = i; j > a && less(data[j], data[j - 1]); j--) Swap(data, j, j - 1);
        }
    }

    private static void SiftDown<T>(Span<T> data, Func<T, T, bool> less, int lo, int hi, int first)
    {
        int root = lo;
        while (true)
        {
            int child = 2 * root + 1;
            if (child >= hi) return;
            if (child + 1 < hi && less(data[first + child], data[first + child + 1])) child++;
            if (!less(data[first + root], data[first + child])) return;
            Swap(data, first + root, first + child);
            root = child;
        }
    }

    private static void HeapSort<T>(Span<T> data, Func<T, T, bool> less, int a, int b)
    {
        int first = a, lo = 0, hi = b - a;
        for (int i = (hi - 1) / 2; i >= 0; i--) SiftDown(data, less, i, hi, first);
        for (int i = hi - 1; i >= 0; i--)
        {
            Swap(data, first, first + i);
            SiftDown(data, less, lo, i, first);
        }
    }

    private static void PdqSort<T>(Span<T> data, Func<T, T, bool> less, int a, int b, int limit)
    {
        bool wasBalanced = true, wasPartitioned = true;
        while (true)
        {
            int length = b - a;
            if (length <= MaxInsertion)
            {
                InsertionSort(data, less, a, b);
                return;
            }
            if (limit == 0)
            {
                HeapSort(data, less, a, b);
                return;
            }
            if (!wasBalanced)
            {
                BreakPatterns(data, a, b);
                limit--;
            }
            var (pivot, hint) = ChoosePivot(data, less, a, b);
            if (hint == Hint.Decreasing)
            {
                ReverseRange(data, a, b);
                pivot = (b - 1) - (pivot - a);
                hint = Hint.Increasing;
            }
            if (wasBalanced && wasPartitioned && hint == Hint.Increasing && PartialInsertionSort(data, less, a, b)) return;
            if (a > 0 && !less(data[a - 1], data[pivot]))
            {
                a = PartitionEqual(data, less, a, b, pivot);
                continue;
            }
            var (mid, alreadyPartitioned) = Partition(data, less, a, b, pivot);
            wasPartitioned = alreadyPartitioned;
            int leftLen = mid - a, rightLen = b - mid;
            int balanceThreshold = length / 8;
            if (leftLen < rightLen)
            {
                wasBalanced = leftLen >= balanceThreshold;
                PdqSort(data, less, a, mid, limit);
                a = mid + 1;
            }
            else
            {
                wasBalanced = rightLen >= balanceThreshold;
                PdqSort(data, less, mid + 1, b, limit);
                b = mid;
            }
        }
    }

    private static (int Mid, bool AlreadyPartitioned) Partition<T>(Span<T> data, Func<T, T, bool> less, int a, int b, int pivot)
    {
        Swap(data, a, pivot);
        int i = a + 1, j = b - 1;
        while (i <= j && less(data[i], data[a])) i++;
        while (i <= j && !less(data[j], data[a])) j--;
        if (i > j)
        {
            Swap(data, j, a);
            return (j, true);
        }
        Swap(data, i, j);
        i++;
        j--;
        while (true)
        {
            while (i <= j && less(data[i], data[a])) i++;
            while (i <= j && !less(data[j], data[a])) j--;
            if (i > j) break;
            Swap(data, i, j);
            i++;
            j--;
        }
        Swap(data, j, a);
        return (j, false);
    }

    private static int PartitionEqual<T>(Span<T> data, Func<T, T, bool> less, int a, int b, int pivot)
    {
        Swap(data, a, pivot);
        int i = a + 1, j = b - 1;
        while (true)
        {
            while (i <= j && !less(data[a], data[i])) i++;
            while (i <= j && less(data[a], data[j])) j--;
            if (i > j) break;
            Swap(data, i, j);
            i++;
            j--;
        }
        return i;
    }

    private static bool PartialInsertionSort<T>(Span<T> data, Func<T, T, bool> less, int a, int b)
    {
        const int maxSteps = 5, shortestShifting = 50;
        int i = a + 1;
        for (int step = 0; step < maxSteps; step++)
        {
            while (i < b && !less(data[i], data[i - 1])) i++;
            if (i == b) return true;
            if (b - a < shortestShifting) return false;
            Swap(data, i, i - 1);
            if (i - a >= 2)
            {
                for (int j = i - 1; j >= 1; j--)
                {
                    if (!less(data[j], data[j - 1])) break;
                    Swap(data, j, j - 1);
                }
            }
            if (b - i >= 2)
            {
                for (int j = i + 1; j < b; j++)
                {
                    if (!less(data[j], data[j - 1])) break;
                    Swap(data, j, j - 1);
                }
            }
        }
        return false;
    }

    private static void BreakPatterns<T>(Span<T> data, int a, int b)
    {
        int length = b - a;
        if (length < 8) return;
        ulong random = (ulong)length;
        uint modulus = 1u << BitLength((uint)length);
        for (int idx = a + (length / 4) * 2 - 1; idx <= a + (length / 4) * 2 + 1; idx++)
        {
            random ^= random << 13;
            random ^= random >> 17;
            random ^= random << 5;
            int other = (int)((uint)random & (modulus - 1));
            if (other >= length) other -= length;
            Swap(data, idx, a + other);
        }
    }

    private static (int Pivot, Hint Hint) ChoosePivot<T>(Span<T> data, Func<T, T, bool> less, int a, int b)
    {
        const int shortestNinther = 50, maxSwaps = 4 * 3;
        int l = b - a;
        int swaps = 0;
        int i = a + l / 4 * 1, j = a + l / 4 * 2, k = a + l / 4 * 3;
        if (l >= 8)
        {
            if (l >= shortestNinther)
            {
                i = MedianAdjacent(data, less, i, ref swaps);
                j = MedianAdjacent(data, less, j, ref swaps);
                k = MedianAdjacent(data, less, k, ref swaps);
            }
            j = Median(data, less, i, j, k, ref swaps);
        }
        return swaps switch
        {
            0 => (j, Hint.Increasing),
            maxSwaps => (j, Hint.Decreasing),
            _ => (j, Hint.Unknown),
        };
    }

    private static void Order2<T>(Span<T> data, Func<T, T, bool> less, ref int a, ref int b, ref int swaps)
    {
        if (less(data[b], data[a]))
        {
            swaps++;
            (a, b) = (b, a);
        }
    }

    private static int Median<T>(Span<T> data, Func<T, T, bool> less, int a, int b, int c, ref int swaps)
    {
        Order2(data, less, ref a, ref b, ref swaps);
        Order2(data, less, ref b, ref c, ref swaps);
        Order2(data, less, ref a, ref b, ref swaps);
        return b;
    }

    private static int MedianAdjacent<T>(Span<T> data, Func<T, T, bool> less, int a, ref int swaps) =>
        Median(data, less, a - 1, a, a + 1, ref swaps);

    private static void ReverseRange<T>(Span<T> data, int a, int b)
    {
        for (int i = a, j = b - 1; i < j; i++, j--) Swap(data, i, j);
    }

    private static void SymMerge<T>(Span<T> data, Func<T, T, bool> less, int a, int m, int b)
    {
        if (m - a == 1)
        {
            int i = m, j = b;
            while (i < j)
            {
                int h = (int)((uint)(i + j) >> 1);
                if (less(data[h], data[a])) i = h + 1;
                else j = h;
            }
            for (int k = a; k < i - 1; k++) Swap(data, k, k + 1);
            return;
        }
        if (b - m == 1)
        {
            int i = a, j = m;
            while (i < j)
            {
                int h = (int)((uint)(i + j) >> 1);
                if (!less(data[m], data[h])) i = h + 1;
                else j = h;
            }
            for (int k = m; k > i; k--) Swap(data, k, k - 1);
            return;
        }
        int mid = (int)((uint)(a + b) >> 1);
        int n = mid + m;
        int start, r;
        if (m > mid)
        {
            start = n - b;
            r = mid;
        }
        else
        {
            start = a;
            r = m;
        }
        int p = n - 1;
        while (start < r)
        {
            int c = (int)((uint)(start + r) >> 1);
            if (!less(data[p - c], data[c])) start = c + 1;
            else r = c;
        }
        int end = n - start;
        if (start < m && m < end) Rotate(data, start, m, end);
        if (a < start && start < mid) SymMerge(data, less, a, start, mid);
        if (mid < end && end < b) SymMerge(data, less, mid, end, b);
    }

    private static void SwapRange<T>(Span<T> data, int a, int b, int n)
    {
        for (int i = 0; i < n; i++) Swap(data, a + i, b + i);
    }

    private static void Rotate<T>(Span<T> data, int a, int m, int b)
    {
        int i = m - a, j = b - m;
        while (i != j)
        {
            if (i > j)
            {
                SwapRange(data, m - i, m, j);
                i -= j;
            }
            else
            {
                SwapRange(data, m - i, m + j - i, i);
                j -= i;
            }
        }
        SwapRange(data, m - i, m, i);
    }
}
