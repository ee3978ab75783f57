using System.Runtime.CompilerServices;

namespace Pprof.History.Tests;

/// <summary>Hot methods with known names whose CPU profiles the store tests write and query back.</summary>
internal static class HistoryWorkloads
{
    private static double s_sink;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double AlphaHot(int n)
    {
        double x = 0;
        for (int i = 1; i < n; i++) x += Math.Sqrt(i) * 1.0000001;
        return x;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double BetaHot(int n)
    {
        double x = 1;
        for (int i = 1; i < n; i++) x = x * 1.0000001 + Math.Log(i);
        return x;
    }

    public static void Spin(Func<int, double> hot, CancellationToken cancellationToken)
    {
        double x = 0;
        while (!cancellationToken.IsCancellationRequested) x += hot(100_000);
        s_sink = x;
    }

    public static void Allocate(CancellationToken cancellationToken)
    {
        var keep = new List<byte[]>();
        while (!cancellationToken.IsCancellationRequested)
        {
            keep.Add(new byte[1024]);
            if (keep.Count > 10_000) keep.Clear();
        }
        s_sink = keep.Count;
    }
}
