using Pprof.Profiles.Go;
using Pprof.Profiles;

namespace Pprof.Report;

/// <summary>Units of measurement for sample values: conversion between units of a family (bytes, time, GCU),
/// automatic choice of a readable unit, and the labels and percentages pprof prints. Mirrors pprof's
/// <c>internal/measurement</c>.</summary>
public static class Measurement
{
    private sealed record Unit(string CanonicalName, string[] Aliases, double Factor);

    private sealed record UnitType(Unit DefaultUnit, Unit[] Units)
    {
        public Unit? FindByAlias(string alias)
        {
            foreach (var u in Units)
            {
                foreach (var a in u.Aliases)
                {
                    if (alias == a) return u;
                }
            }
            return null;
        }

        public Unit? SniffUnit(string unit)
        {
            unit = unit.ToLowerInvariant();
            if (unit.Length > 2 && unit.EndsWith('s')) unit = unit[..^1];
            return FindByAlias(unit);
        }

        public (double Value, string Unit)? AutoScale(double value)
        {
            double f = 0;
            string unit = "";
            foreach (var u in Units)
            {
                if (u.Factor >= f && value / u.Factor >= 1.0)
                {
                    f = u.Factor;
                    unit = u.CanonicalName;
                }
            }
            if (f == 0) return null;
            return (value / f, unit);
        }

        public (double Value, string Unit)? Convert(long value, string fromUnitName, string toUnitName)
        {
            var fromUnit = SniffUnit(fromUnitName);
            if (fromUnit == null) return null;
            double v = value * fromUnit.Factor;
            if (toUnitName is "minimum" or "auto")
            {
                if (AutoScale(v) is { } scaled) return scaled;
                return (v / DefaultUnit.Factor, DefaultUnit.CanonicalName);
            }
            var toUnit = SniffUnit(toUnitName);
            if (toUnit == null) return (v / DefaultUnit.Factor, DefaultUnit.CanonicalName);
            return (v / toUnit.Factor, toUnit.CanonicalName);
        }
    }

    private static readonly UnitType[] s_unitTypes =
    {
        new(new Unit("B", new[] { "b", "byte" }, 1), new Unit[]
        {
            new("B", new[] { "b", "byte" }, 1),
            new("kB", new[] { "kb", "kbyte", "kilobyte" }, 1L << 10),
            new("MB", new[] { "mb", "mbyte", "megabyte" }, 1L << 20),
            new("GB", new[] { "gb", "gbyte", "gigabyte" }, 1L << 30),
            new("TB", new[] { "tb", "tbyte", "terabyte" }, 1L << 40),
            new("PB", new[] { "pb", "pbyte", "petabyte" }, 1L << 50),
        }),
        new(new Unit("s", Array.Empty<string>(), 1e9), new Unit[]
        {
            new("ns", new[] { "ns", "nanosecond" }, 1),
            new("us", new[] { "μs", "us", "microsecond" }, 1e3),
            new("ms", new[] { "ms", "millisecond" }, 1e6),
            new("s", new[] { "s", "sec", "second" }, 1e9),
            new("hrs", new[] { "hour", "hr" }, 3600e9),
        }),
        new(new Unit("GCU", Array.Empty<string>(), 1.0), new Unit[]
        {
            new("n*GCU", new[] { "nanogcu" }, 1e-9),
            new("u*GCU", new[] { "microgcu" }, 1e-6),
            new("m*GCU", new[] { "milligcu" }, 1e-3),
            new("GCU", new[] { "gcu" }, 1),
            new("k*GCU", new[] { "kilogcu" }, 1e3),
            new("M*GCU", new[] { "megagcu" }, 1e6),
            new("G*GCU", new[] { "gigagcu" }, 1e9),
            new("T*GCU", new[] { "teragcu" }, 1e12),
            new("P*GCU", new[] { "petagcu" }, 1e15),
        }),
    };

    /// <summary>Converts <paramref name="value"/> from <paramref name="fromUnit"/> to <paramref name="toUnit"/>.
    /// <paramref name="toUnit"/> <c>minimum</c> or <c>auto</c> picks the largest unit of the family in which the value
    /// is at least 1. Units are matched case-insensitively and a plural "s" is ignored. Returns the scaled value and
    /// the unit's canonical name; the unit is empty when uninteresting (<c>count</c>, <c>sample</c>, ...).</summary>
    public static (double Value, string Unit) Scale(long value, string fromUnit, string toUnit)
    {
        if (value < 0 && -value > 0)
        {
            var (v, u) = Scale(-value, fromUnit, toUnit);
            return (-v, u);
        }
        foreach (var ut in s_unitTypes)
        {
            if (ut.Convert(value, fromUnit, toUnit) is { } r) return r;
        }
        return toUnit is "count" or "sample" or "unit" or "minimum" or "auto" ? (value, "") : (value, toUnit);
    }

    /// <summary>The label for a value in the most readable unit, for example <c>1.50MB</c> or <c>10ms</c>.</summary>
    public static string Label(long value, string unit) => ScaledLabel(value, unit, "auto");

    /// <summary>The label for a value converted to <paramref name="toUnit"/>: two decimals, with a trailing
    /// <c>.00</c> dropped, followed by the unit; a value that rounds to zero is just <c>0</c>.</summary>
    public static string ScaledLabel(long value, string fromUnit, string toUnit)
    {
        var (v, u) = Scale(value, fromUnit, toUnit);
        string sv = GoFormat.Fixed(v, 2);
        if (sv.EndsWith(".00", StringComparison.Ordinal)) sv = sv[..^3];
        if (sv is "0" or "-0") return "0";
        return sv + u;
    }

    /// <summary>The percentage of <paramref name="total"/> that <paramref name="value"/> is, as pprof prints it:
    /// <c>  100%</c> near 100, two decimals from 1%, two significant digits below (width 5 before the % sign).</summary>
    public static string Percentage(long value, long total)
    {
        double ratio = 0;
        if (total != 0) ratio = Math.Abs((double)value / total) * 100;
        if (Math.Abs(ratio) >= 99.95 && Math.Abs(ratio) <= 100.05) return "  100%";
        if (Math.Abs(ratio) >= 1.0) return GoFormat.PadLeft(GoFormat.Fixed(ratio, 2), 5) + "%";
        return GoFormat.PadLeft(GoFormat.G(ratio, 2), 5) + "%";
    }

    /// <summary>The finest of a set of compatible value types; null when there are fewer than two. Throws
    /// <see cref="InvalidOperationException"/> (<c>incompatible types: ...</c>) when two types cannot be reconciled.</summary>
    public static ProfileValueType? CommonValueType(IReadOnlyList<ProfileValueType?> types)
    {
        if (types.Count <= 1) return null;
        var minType = types[0];
        for (int i = 1; i < types.Count; i++)
        {
            var t = types[i];
            if (!CompatibleValueTypes(minType, t))
                throw new InvalidOperationException($"incompatible types: {GoValueType(minType)} {GoValueType(t)}");
            if (t != null && minType != null && Scale(1, t.Unit, minType.Unit).Value < 1) minType = t;
        }
        return minType?.Clone();
    }

    private static string GoValueType(ProfileValueType? t) => t == null ? "<nil>" : "{" + t.Type + " " + t.Unit + "}";

    private static bool CompatibleValueTypes(ProfileValueType? v1, ProfileValueType? v2)
    {
        if (v1 == null || v2 == null) return true;
        if (TrimS(v1.Type) != TrimS(v2.Type)) return false;
        if (v1.Unit == v2.Unit) return true;
        foreach (var ut in s_unitTypes)
        {
            if (ut.SniffUnit(v1.Unit) != null && ut.SniffUnit(v2.Unit) != null) return true;
        }
        return false;
    }

    private static string TrimS(string s) => s.EndsWith('s') ? s[..^1] : s;

    /// <summary>Rescales a set of profiles to common (the finest) units so that they can be merged or compared:
    /// period types and every sample type. Throws <see cref="InvalidOperationException"/> with pprof's message
    /// (<c>period type: ...</c>, <c>inconsistent samples type count: ...</c>, <c>sample types: ...</c>) when the
    /// profiles are incompatible.</summary>
    public static void ScaleProfiles(IReadOnlyList<Profile> profiles)
    {
        if (profiles.Count == 0) return;
        var periodTypes = new List<ProfileValueType?>();
        foreach (var p in profiles)
        {
            if (p.PeriodType != null) periodTypes.Add(p.PeriodType);
        }
        ProfileValueType? periodType;
        try
        {
            periodType = CommonValueType(periodTypes);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException("period type: " + e.Message, e);
        }
        int numSampleTypes = profiles[0].SampleTypes.Count;
        for (int i = 1; i < profiles.Count; i++)
        {
            if (numSampleTypes != profiles[i].SampleTypes.Count)
                throw new InvalidOperationException($"inconsistent samples type count: {numSampleTypes} != {profiles[i].SampleTypes.Count}");
        }
        var sampleType = new ProfileValueType?[numSampleTypes];
        for (int i = 0; i < numSampleTypes; i++)
        {
            var types = new ProfileValueType?[profiles.Count];
            for (int j = 0; j < profiles.Count; j++) types[j] = profiles[j].SampleTypes[i];
            try
            {
                sampleType[i] = CommonValueType(types);
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException("sample types: " + e.Message, e);
            }
        }
        foreach (var p in profiles)
        {
            if (p.PeriodType != null && periodType != null)
            {
                var (period, _) = Scale(p.Period, p.PeriodType.Unit, periodType.Unit);
                p.Period = (long)period;
                p.PeriodType.Unit = periodType.Unit;
            }
            var ratios = new double[p.SampleTypes.Count];
            for (int i = 0; i < ratios.Length; i++)
            {
                if (sampleType[i] == null)
                {
                    ratios[i] = 1;
                    continue;
                }
                ratios[i] = Scale(1, p.SampleTypes[i].Unit, sampleType[i]!.Unit).Value;
                p.SampleTypes[i].Unit = sampleType[i]!.Unit;
            }
            ScaleSamples(p, ratios);
        }
    }

    /// <summary>Multiplies each sample value by its type's ratio, rounding like pprof's <c>ScaleN</c>, and drops
    /// samples whose scaled values all become zero. A no-op when every ratio is 1.</summary>
    private static void ScaleSamples(Profile p, double[] ratios)
    {
        bool allOne = true;
        foreach (var r in ratios)
        {
            if (r != 1) allOne = false;
        }
        if (allOne) return;
        var kept = new List<Sample>(p.Samples.Count);
        foreach (var s in p.Samples)
        {
            bool keep = false;
            for (int i = 0; i < s.Values.Length; i++)
            {
                double r = ratios[i];
                if (r == 1) continue;
                s.Values[i] = (long)Math.Round(s.Values[i] * r, MidpointRounding.AwayFromZero);
                if (s.Values[i] != 0) keep = true;
            }
            if (keep) kept.Add(s);
        }
        p.Samples = kept;
    }
}
