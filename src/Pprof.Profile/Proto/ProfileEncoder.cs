namespace Pprof.Profiles.Proto;

/// <summary>Encodes a <see cref="Profile"/> as an uncompressed profile.proto message, laid out as pprof lays it out
/// (string table built in the same order, the same packed/unpacked choices), so outputs match byte for byte.</summary>
internal static class ProfileEncoder
{
    public static ProtoWriter Encode(Profile p)
    {
        var strings = new Dictionary<string, long>(StringComparer.Ordinal);
        var table = new List<string>();
        long Add(string s)
        {
            if (strings.TryGetValue(s, out long i)) return i;
            i = table.Count;
            strings.Add(s, i);
            table.Add(s);
            return i;
        }
        Add("");
        var w = new ProtoWriter(1 << 16);

        foreach (var st in p.SampleTypes)
        {
            long t = Add(st.Type), u = Add(st.Unit);
            int m = w.BeginMessage(1);
            w.Int64Opt(1, t);
            w.Int64Opt(2, u);
            w.EndMessage(m);
        }

        var idBuf = new List<ulong>();
        var keys = new List<string>();
        foreach (var s in p.Samples)
        {
            int m = w.BeginMessage(2);
            idBuf.Clear();
            foreach (var l in s.Locations) idBuf.Add(l.Id);
            w.UInt64s(1, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(idBuf));
            w.Int64s(2, s.Values);
            if (s.Labels != null)
            {
                keys.Clear();
                keys.AddRange(s.Labels.Keys);
                keys.Sort(StringComparer.Ordinal);
                foreach (var k in keys)
                {
                    foreach (var v in s.Labels[k])
                    {
                        long kx = Add(k), vx = Add(v);
                        int lm = w.BeginMessage(3);
                        w.Int64Opt(1, kx);
                        w.Int64Opt(2, vx);
                        w.EndMessage(lm);
                    }
                }
            }
            if (s.NumLabels != null)
            {
                keys.Clear();
                keys.AddRange(s.NumLabels.Keys);
                keys.Sort(StringComparer.Ordinal);
                foreach (var k in keys)
                {
                    long kx = Add(k);
                    var vs = s.NumLabels[k];
                    string[]? units = null;
                    s.NumUnits?.TryGetValue(k, out units);
                    for (int i = 0; i < vs.Length; i++)
                    {
                        long ux = units != null && units.Length != 0 ? Add(i < units.Length ? units[i] : "") : 0;
                        int lm = w.BeginMessage(3);
                        w.Int64Opt(1, kx);
                        w.Int64Opt(3, vs[i]);
                        w.Int64Opt(4, ux);
                        w.EndMessage(lm);
                    }
                }
            }
            w.EndMessage(m);
        }

        foreach (var mp in p.Mappings)
        {
            long fx = Add(mp.File), bx = Add(mp.BuildId);
            int m = w.BeginMessage(3);
            w.UInt64Opt(1, mp.Id);
            w.UInt64Opt(2, mp.Start);
            w.UInt64Opt(3, mp.Limit);
            w.UInt64Opt(4, mp.Offset);
            w.Int64Opt(5, fx);
            w.Int64Opt(6, bx);
            w.BoolOpt(7, mp.HasFunctions);
            w.BoolOpt(8, mp.HasFilenames);
            w.BoolOpt(9, mp.HasLineNumbers);
            w.BoolOpt(10, mp.HasInlineFrames);
            w.EndMessage(m);
        }

        foreach (var l in p.Locations)
        {
            int m = w.BeginMessage(4);
            w.UInt64Opt(1, l.Id);
            w.UInt64Opt(2, l.Mapping?.Id ?? 0);
            w.UInt64Opt(3, l.Address);
            foreach (var ln in l.Lines)
            {
                int lm = w.BeginMessage(4);
                w.UInt64Opt(1, ln.Function?.Id ?? 0);
                w.Int64Opt(2, ln.LineNumber);
                w.Int64Opt(3, ln.Column);
                w.EndMessage(lm);
            }
            w.BoolOpt(5, l.IsFolded);
            w.EndMessage(m);
        }

        foreach (var f in p.Functions)
        {
            long nx = Add(f.Name), sx = Add(f.SystemName), fx = Add(f.Filename);
            int m = w.BeginMessage(5);
            w.UInt64Opt(1, f.Id);
            w.Int64Opt(2, nx);
            w.Int64Opt(3, sx);
            w.Int64Opt(4, fx);
            w.Int64Opt(5, f.StartLine);
            w.EndMessage(m);
        }

        long dropX = Add(p.DropFrames), keepX = Add(p.KeepFrames);
        long ptType = 0, ptUnit = 0;
        if (p.PeriodType != null)
        {
            ptType = Add(p.PeriodType.Type);
            ptUnit = Add(p.PeriodType.Unit);
        }
        var commentX = new long[p.Comments.Count];
        for (int i = 0; i < commentX.Length; i++) commentX[i] = Add(p.Comments[i]);
        long defX = Add(p.DefaultSampleType);
        long docX = Add(p.DocUrl);

        foreach (var s in table) w.String(6, s);
        w.Int64Opt(7, dropX);
        w.Int64Opt(8, keepX);
        w.Int64Opt(9, p.TimeNanos);
        w.Int64Opt(10, p.DurationNanos);
        if (ptType != 0 || ptUnit != 0)
        {
            int m = w.BeginMessage(11);
            w.Int64Opt(1, ptType);
            w.Int64Opt(2, ptUnit);
            w.EndMessage(m);
        }
        w.Int64Opt(12, p.Period);
        w.Int64s(13, commentX);
        w.Int64(14, defX);
        w.Int64Opt(15, docX);
        return w;
    }
}
