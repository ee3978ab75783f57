using Pprof.Profiles.Go;

namespace Pprof.Profiles.Legacy;

/// <summary>Go count profiles in text form (<c>goroutine</c>/<c>threadcreate</c> with <c>debug=1</c>): "goroutine profile: total N".</summary>
internal static class CountProfileParser
{
    public static Profile? TryParse(string text)
    {
        var s = new LineScanner(text);
        while (s.Scan() && LegacyParser.IsSpaceOrComment(s.Text))
        {
        }
        s.ThrowIfError();
        var m = LegacyRegex.Submatch(LegacyRegex.CountStart, s.Text);
        if (m == null) return null;
        string type = LegacyParser.Utf8(m[1]);
        var p = new Profile
        {
            PeriodType = new ProfileValueType(type, "count"),
            Period = 1,
            SampleTypes = { new ProfileValueType(type, "count") },
        };
        var cache = new LocationCache(p);
        while (s.Scan())
        {
            string line = s.Text;
            if (LegacyParser.IsSpaceOrComment(line)) continue;
            if (line.StartsWith("---", StringComparison.Ordinal)) break;
            var cm = LegacyRegex.Submatch(LegacyRegex.Count, line) ?? throw Malformed();
            if (!GoStrconv.TryParseInt(cm[1], 0, out long n, out _)) throw Malformed();
            var fields = cm[2].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var locs = new Location[fields.Length];
            for (int i = 0; i < fields.Length; i++)
            {
                if (!GoStrconv.TryParseUint(fields[i], 0, out ulong addr, out _)) throw Malformed();
                // Return addresses: step back onto the call instruction.
                locs[i] = cache.Get(unchecked(addr - 1));
            }
            p.Samples.Add(new Sample(locs, new[] { n }));
        }
        s.ThrowIfError();
        MemoryMap.ParseAdditionalSections(s, p);
        return p;
    }

    private static ProfileFormatException Malformed() => new("malformed profile format");
}
