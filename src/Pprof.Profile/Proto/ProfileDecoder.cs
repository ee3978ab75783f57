using System.Text;

namespace Pprof.Profile.Proto;

/// <summary>Decodes an uncompressed profile.proto message into a <see cref="Profile"/>.</summary>
internal static class ProfileDecoder
{
    private struct Pending
    {
        public int Field;
        public int Offset;
        public int Length;
    }

    public static Profile Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0) throw new ProfileFormatException("empty input file");

        // Pass 1: the string table and scalar fields; remember where the messages are.
        var strings = new List<string>();
        var messages = new List<Pending>();
        var commentX = new List<ulong>();
        var p = new Profile();
        long dropX = 0, keepX = 0, defaultX = 0, docX = 0;
        (int Off, int Len) periodType = (-1, 0);
        var r = new ProtoReader(data);
        var utf8 = new UTF8Encoding(false, false);
        while (r.TryReadKey(out int field, out int wt))
        {
            switch (field)
            {
                case 1 or 2 or 3 or 4 or 5:
                    {
                        if (wt != 2) throw ProtoReader.Malformed("type mismatch");
                        var (off, len) = r.ReadBytesRange();
                        messages.Add(new Pending { Field = field, Offset = off, Length = len });
                        break;
                    }
                case 6:
                    if (wt != 2) throw ProtoReader.Malformed("type mismatch");
                    strings.Add(utf8.GetString(r.ReadBytes()));
                    break;
                case 7: dropX = (long)Scalar(ref r, wt); break;
                case 8: keepX = (long)Scalar(ref r, wt); break;
                case 9: p.TimeNanos = (long)Scalar(ref r, wt); break;
                case 10: p.DurationNanos = (long)Scalar(ref r, wt); break;
                case 11:
                    if (wt != 2) throw ProtoReader.Malformed("type mismatch");
                    periodType = r.ReadBytesRange();
                    break;
                case 12: p.Period = (long)Scalar(ref r, wt); break;
                case 13: r.ReadRepeated(wt, commentX); break;
                case 14: defaultX = (long)Scalar(ref r, wt); break;
                case 15: docX = (long)Scalar(ref r, wt); break;
                default: r.Skip(wt); break;
            }
        }
        if (strings.Count == 0 || strings[0].Length != 0) throw ProtoReader.Malformed("string_table[0] must be ''");
        var st = strings.ToArray();

        // Pass 2: sample types, mappings and functions, then locations, then samples.
        var mappingsById = new IdTable<Mapping>();
        var functionsById = new IdTable<Function>();
        var locationsById = new IdTable<Location>();
        foreach (var m in messages)
        {
            var span = data.Slice(m.Offset, m.Length);
            switch (m.Field)
            {
                case 1: p.SampleTypes.Add(DecodeValueType(span, st)); break;
                case 3:
                    {
                        var mp = DecodeMapping(span, st);
                        p.Mappings.Add(mp);
                        mappingsById.Add(mp.Id, mp);
                        break;
                    }
                case 5:
                    {
                        var f = DecodeFunction(span, st);
                        p.Functions.Add(f);
                        functionsById.Add(f.Id, f);
                        break;
                    }
            }
        }
        var lineBuf = new List<Line>();
        foreach (var m in messages)
        {
            if (m.Field != 4) continue;
            var loc = DecodeLocation(data.Slice(m.Offset, m.Length), mappingsById, functionsById, lineBuf);
            p.Locations.Add(loc);
            locationsById.Add(loc.Id, loc);
        }
        var ids = new List<ulong>();
        var vals = new List<ulong>();
        foreach (var m in messages)
        {
            if (m.Field != 2) continue;
            p.Samples.Add(DecodeSample(data.Slice(m.Offset, m.Length), st, locationsById, ids, vals));
        }

        p.DropFrames = Str(st, dropX);
        p.KeepFrames = Str(st, keepX);
        p.PeriodType = periodType.Off >= 0 ? DecodeValueType(data.Slice(periodType.Off, periodType.Len), st) : new ValueType("", "");
        foreach (ulong c in commentX) p.Comments.Add(Str(st, (long)c));
        p.DefaultSampleType = Str(st, defaultX);
        p.DocUrl = Str(st, docX);
        return p;
    }

    private static ulong Scalar(ref ProtoReader r, int wt)
    {
        if (wt == 2) throw ProtoReader.Malformed("type mismatch");
        return r.ReadScalar(wt);
    }

    private static string Str(string[] st, long idx)
    {
        if ((ulong)idx >= (ulong)st.Length) throw ProtoReader.Malformed($"string index {idx} out of range (table has {st.Length} entries)");
        return st[idx];
    }

    private static ValueType DecodeValueType(ReadOnlySpan<byte> span, string[] st)
    {
        var r = new ProtoReader(span);
        long t = 0, u = 0;
        while (r.TryReadKey(out int f, out int wt))
        {
            switch (f)
            {
                case 1: t = (long)Scalar(ref r, wt); break;
                case 2: u = (long)Scalar(ref r, wt); break;
                default: r.Skip(wt); break;
            }
        }
        return new ValueType(Str(st, t), Str(st, u));
    }

    private static Mapping DecodeMapping(ReadOnlySpan<byte> span, string[] st)
    {
        var r = new ProtoReader(span);
        var m = new Mapping();
        while (r.TryReadKey(out int f, out int wt))
        {
            switch (f)
            {
                case 1: m.Id = Scalar(ref r, wt); break;
                case 2: m.Start = Scalar(ref r, wt); break;
                case 3: m.Limit = Scalar(ref r, wt); break;
                case 4: m.Offset = Scalar(ref r, wt); break;
                case 5: m.File = Str(st, (long)Scalar(ref r, wt)); break;
                case 6: m.BuildId = Str(st, (long)Scalar(ref r, wt)); break;
                case 7: m.HasFunctions = Scalar(ref r, wt) != 0; break;
                case 8: m.HasFilenames = Scalar(ref r, wt) != 0; break;
                case 9: m.HasLineNumbers = Scalar(ref r, wt) != 0; break;
                case 10: m.HasInlineFrames = Scalar(ref r, wt) != 0; break;
                default: r.Skip(wt); break;
            }
        }
        return m;
    }

    private static Function DecodeFunction(ReadOnlySpan<byte> span, string[] st)
    {
        var r = new ProtoReader(span);
        var fn = new Function();
        while (r.TryReadKey(out int f, out int wt))
        {
            switch (f)
            {
                case 1: fn.Id = Scalar(ref r, wt); break;
                case 2: fn.Name = Str(st, (long)Scalar(ref r, wt)); break;
                case 3: fn.SystemName = Str(st, (long)Scalar(ref r, wt)); break;
                case 4: fn.Filename = Str(st, (long)Scalar(ref r, wt)); break;
                case 5: fn.StartLine = (long)Scalar(ref r, wt); break;
                default: r.Skip(wt); break;
            }
        }
        return fn;
    }

    private static Location DecodeLocation(ReadOnlySpan<byte> span, IdTable<Mapping> mappings, IdTable<Function> functions, List<Line> lines)
    {
        var r = new ProtoReader(span);
        var loc = new Location();
        lines.Clear();
        while (r.TryReadKey(out int f, out int wt))
        {
            switch (f)
            {
                case 1: loc.Id = Scalar(ref r, wt); break;
                case 2:
                    {
                        ulong mid = Scalar(ref r, wt);
                        loc.Mapping = mid == 0 ? null : mappings.Get(mid) ?? throw new ProfileFormatException($"malformed profile: location refers to unknown mapping id {mid}");
                        break;
                    }
                case 3: loc.Address = Scalar(ref r, wt); break;
                case 4:
                    {
                        if (wt != 2) throw ProtoReader.Malformed("type mismatch");
                        var lr = new ProtoReader(r.ReadBytes());
                        var line = new Line();
                        while (lr.TryReadKey(out int lf, out int lwt))
                        {
                            switch (lf)
                            {
                                case 1:
                                    {
                                        ulong fid = Scalar(ref lr, lwt);
                                        line.Function = fid == 0 ? null : functions.Get(fid) ?? throw new ProfileFormatException($"malformed profile: location line refers to unknown function id {fid}");
                                        break;
                                    }
                                case 2: line.LineNumber = (long)Scalar(ref lr, lwt); break;
                                case 3: line.Column = (long)Scalar(ref lr, lwt); break;
                                default: lr.Skip(lwt); break;
                            }
                        }
                        lines.Add(line);
                        break;
                    }
                case 5: loc.IsFolded = Scalar(ref r, wt) != 0; break;
                default: r.Skip(wt); break;
            }
        }
        loc.Lines = lines.Count == 0 ? Array.Empty<Line>() : lines.ToArray();
        return loc;
    }

    private static Sample DecodeSample(ReadOnlySpan<byte> span, string[] st, IdTable<Location> locations, List<ulong> ids, List<ulong> vals)
    {
        var r = new ProtoReader(span);
        ids.Clear();
        vals.Clear();
        Dictionary<string, string[]>? labels = null;
        Dictionary<string, long[]>? numLabels = null;
        Dictionary<string, string[]>? numUnits = null;
        while (r.TryReadKey(out int f, out int wt))
        {
            switch (f)
            {
                case 1: r.ReadRepeated(wt, ids); break;
                case 2: r.ReadRepeated(wt, vals); break;
                case 3:
                    {
                        if (wt != 2) throw ProtoReader.Malformed("type mismatch");
                        var lr = new ProtoReader(r.ReadBytes());
                        long key = 0, str = 0, num = 0, unit = 0;
                        while (lr.TryReadKey(out int lf, out int lwt))
                        {
                            switch (lf)
                            {
                                case 1: key = (long)Scalar(ref lr, lwt); break;
                                case 2: str = (long)Scalar(ref lr, lwt); break;
                                case 3: num = (long)Scalar(ref lr, lwt); break;
                                case 4: unit = (long)Scalar(ref lr, lwt); break;
                                default: lr.Skip(lwt); break;
                            }
                        }
                        string k = Str(st, key);
                        if (str != 0)
                        {
                            labels ??= new Dictionary<string, string[]>(StringComparer.Ordinal);
                            labels[k] = Append(labels.GetValueOrDefault(k), Str(st, str));
                        }
                        else if (num != 0 || unit != 0)
                        {
                            numLabels ??= new Dictionary<string, long[]>(StringComparer.Ordinal);
                            var nv = numLabels.GetValueOrDefault(k);
                            int existing = nv?.Length ?? 0;
                            if (unit != 0)
                            {
                                numUnits ??= new Dictionary<string, string[]>(StringComparer.Ordinal);
                                var us = Pad(numUnits.GetValueOrDefault(k), existing);
                                numUnits[k] = Append(us, Str(st, unit));
                            }
                            numLabels[k] = Append(nv, num);
                        }
                        break;
                    }
                default: r.Skip(wt); break;
            }
        }
        var locs = new Location[ids.Count];
        for (int i = 0; i < locs.Length; i++)
        {
            locs[i] = locations.Get(ids[i]) ?? throw new ProfileFormatException($"malformed profile: sample refers to unknown location id {ids[i]}");
        }
        var values = new long[vals.Count];
        for (int i = 0; i < values.Length; i++) values[i] = (long)vals[i];
        var s = new Sample(locs, values) { Labels = labels, NumLabels = numLabels };
        if (numLabels != null && numUnits != null)
        {
            foreach (var k in numUnits.Keys.ToArray()) numUnits[k] = Pad(numUnits[k], numLabels[k].Length);
            s.NumUnits = numUnits;
        }
        return s;
    }

    private static T[] Append<T>(T[]? a, T v)
    {
        if (a == null) return new[] { v };
        var n = new T[a.Length + 1];
        Array.Copy(a, n, a.Length);
        n[a.Length] = v;
        return n;
    }

    private static string[] Pad(string[]? a, int len)
    {
        a ??= Array.Empty<string>();
        if (a.Length >= len) return a;
        var n = new string[len];
        Array.Copy(a, n, a.Length);
        for (int i = a.Length; i < len; i++) n[i] = "";
        return n;
    }
}
