using Pprof.Profiles;

namespace Pprof.Report.Reports;

/// <summary>The profile itself (<c>-proto</c>) and the top nodes as a profile (<c>-topproto</c>), both gzipped
/// profile.proto.</summary>
internal static class ProtoReport
{
    /// <summary>Writes the profile, its values multiplied by the <c>-divide_by</c> ratio when one is set.</summary>
    internal static void WriteProto(Stream output, ReportContext rpt)
    {
        double r = rpt.Options.Ratio;
        if (r > 0 && r != 1)
        {
            foreach (var s in rpt.Profile.Samples)
            {
                var v = s.Values;
                for (int i = 0; i < v.Length; i++) v[i] = (long)(v[i] * r);
            }
        }
        rpt.Profile.Write(output);
    }

    /// <summary>Writes a profile with one single-frame sample per node of the trimmed graph, valued
    /// [cum, flat] in the report's output unit.</summary>
    internal static void WriteTopProto(Stream output, ReportContext rpt)
    {
        var p = rpt.Profile;
        var o = rpt.Options;
        var g = rpt.NewTrimmedGraph().Graph;
        rpt.SelectOutputUnit(g);

        var result = new Profile
        {
            SampleTypes = { new ProfileValueType("cum", rpt.OutputUnit), new ProfileValueType("flat", rpt.OutputUnit) },
            TimeNanos = p.TimeNanos,
            DurationNanos = p.DurationNanos,
            PeriodType = p.PeriodType,
            Period = p.Period,
        };
        var functions = new Dictionary<(string Name, string OrigName, string File, long StartLine), Function>();
        for (int i = 0; i < g.Nodes.Count; i++)
        {
            var n = g.Nodes[i];
            var info = n.Info;
            var key = (info.Name, info.OrigName, info.File, info.StartLine);
            if (!functions.TryGetValue(key, out var f))
            {
                f = new Function
                {
                    Id = (ulong)functions.Count + 1,
                    Name = info.Name,
                    SystemName = info.OrigName,
                    Filename = info.File,
                    StartLine = info.StartLine,
                };
                functions[key] = f;
                result.Functions.Add(f);
            }
            var loc = new Location
            {
                Id = (ulong)i + 1,
                Address = info.Address,
                Lines = new[] { new Line(f, info.Lineno) },
            };
            double fv = Measurement.Scale(n.FlatValue(), o.SampleUnit, rpt.OutputUnit).Value;
            double cv = Measurement.Scale(n.CumValue(), o.SampleUnit, rpt.OutputUnit).Value;
            result.Locations.Add(loc);
            result.Samples.Add(new Sample(new[] { loc }, new[] { (long)cv, (long)fv }));
        }
        result.Write(output);
    }
}
