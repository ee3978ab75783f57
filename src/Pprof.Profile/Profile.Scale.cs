namespace Pprof.Profiles;

public sealed partial class Profile
{
    /// <summary>Multiplies every sample value by <paramref name="ratio"/> (rounding half away from zero) and drops the
    /// samples whose scaled values are all zero. A ratio of 1 leaves the profile untouched.</summary>
    public void Scale(double ratio)
    {
        if (ratio == 1) return;
        var ratios = new double[SampleTypes.Count];
        Array.Fill(ratios, ratio);
        ScaleN(ratios);
    }

    /// <summary>Multiplies each sample value by the ratio of its sample type (rounding half away from zero), then drops
    /// every sample none of whose scaled values (values with a ratio other than 1) is non-zero, as pprof does.</summary>
    /// <exception cref="ArgumentException">The number of ratios differs from the number of sample types.</exception>
    public void ScaleN(IReadOnlyList<double> ratios)
    {
        ArgumentNullException.ThrowIfNull(ratios);
        if (ratios.Count != SampleTypes.Count)
            throw new ArgumentException($"mismatched scale ratios, got {ratios.Count}, want {SampleTypes.Count}", nameof(ratios));
        bool allOnes = true;
        foreach (double r in ratios)
        {
            if (r != 1)
            {
                allOnes = false;
                break;
            }
        }
        if (allOnes) return;

        var rs = ratios.ToArray();
        var samples = Samples;
        int kept = 0;
        for (int si = 0; si < samples.Count; si++)
        {
            var s = samples[si];
            var values = s.Values;
            bool keep = false;
            for (int i = 0; i < values.Length && i < rs.Length; i++)
            {
                if (rs[i] == 1) continue;
                long v = RoundToInt64(values[i] * rs[i]);
                values[i] = v;
                keep |= v != 0;
            }
            if (keep) samples[kept++] = s;
        }
        samples.RemoveRange(kept, samples.Count - kept);
    }

    /// <summary>Go's <c>int64(math.Round(x))</c> on amd64: half away from zero, and the minimum int64 for NaN and values out of range.</summary>
    internal static long RoundToInt64(double x)
    {
        double r = Math.Round(x, MidpointRounding.AwayFromZero);
        if (double.IsNaN(r) || r >= 9223372036854775808.0 || r < -9223372036854775808.0) return long.MinValue;
        return (long)r;
    }
}
