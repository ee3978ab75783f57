using System.Text;

namespace Pprof.Profiles.Proto;

/// <summary>Decodes an uncompressed profile.proto message into a <see cref="Profile"/>, accepting and rejecting what
/// pprof's decoder does. Two passes over the bytes: the first reads the string table and scalar fields and notes where
/// the messages are; the second builds mappings and functions, then locations, then samples, resolving ids directly.</summary>
internal static class ProfileDecoder
{
    private struct Ranges
    {
        private int[] _items;

        public int Count;

        public void Add(int offset, int length)
        {
            _items ??= new int[16];
            if (Count * 2 + 2 > _items.Length) Array.Resize(ref _items, _items.Length * 2);
            _items[Count * 2] = offset;
            _items[Count * 2 + 1] = length;
            Count++;
        }

        public readonly int Offset(int i) => _items[i * 2];

        public readonly int Length(int i) => _items[i * 2 + 1];
    }

    private static readonly UTF8Encoding s_utf8 = new(false, false);

    /// <summary>Decodes <paramref name="data"/>. On failure returns false with pprof's error text; <paramref name="final"/>
    /// tells whether the error stands (empty input, concatenated profiles, a well-formed message with inconsistent
    /// contents) or whether the data is simply not profile.proto and other formats may be tried.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, out Profile? profile, out string? error, out bool final) =>
        TryDecode(data, null, out profile, out error, out final);

    /// <summary><see cref="TryDecode(ReadOnlySpan{byte}, out Profile?, out string?, out bool)"/> of a whole array: large
    /// profiles then decode their samples on several threads.</summary>
    public static bool TryDecode(byte[] data, out Profile? profile, out string? error, out bool final) =>
        TryDecode(data, data, out profile, out error, out final);

    /// <summary><see cref="TryDecode(byte[], out Profile?, out string?, out bool)"/> of memory that need not be an
    /// array (native memory the caller frees after decoding: nothing decoded refers to it).</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> data, out Profile? profile, out string? error, out bool final) =>
        TryDecode(data.Span, data, out profile, out error, out final);

    private static bool TryDecode(ReadOnlySpan<byte> data, ReadOnlyMemory<byte>? array, out Profile? profile, out string? error, out bool final)
    {
        profile = null;
        error = null;
        final = false;
        if (data.Length == 0)
        {
            error = "empty input file";
            final = true;
            return false;
        }
        try
        {
            profile = Decode(data, array);
            return true;
        }
        catch (ProtoException e)
        {
            error = e.Message;
            final = e.Message == ConcatenatedProfiles;
            return false;
        }
        catch (ProfileFormatException e)
        {
            error = e.Message;
            final = true;
            return false;
        }
    }

    private const string ConcatenatedProfiles = "concatenated profiles detected";

    private static Profile Decode(ReadOnlySpan<byte> data, ReadOnlyMemory<byte>? array)
    {
        // Pass 1.
        var strings = new List<string>();
        Ranges sampleTypes = default, samples = default, mappings = default, locations = default, functions = default;
        var commentX = new List<ulong>();
        var p = new Profile();
        long dropX = 0, keepX = 0, defaultX = 0, docX = 0;
        (int Off, int Len) periodType = (-1, 0);
        var r = new ProtoReader(data);
        while (r.TryReadKey(out int field, out int wt))
        {
            switch (field)
            {
                case 1 or 2 or 3 or 4 or 5:
                    {
                        var (off, len) = Message(ref r, wt);
                        switch (field)
                        {
                            case 1: sampleTypes.Add(off, len); break;
                            case 2: samples.Add(off, len); break;
                            case 3: mappings.Add(off, len); break;
                            case 4: locations.Add(off, len); break;
                            default: functions.Add(off, len); break;
                        }
                        break;
                    }
                case 6:
                    {
                        var (off, len) = Message(ref r, wt);
                        strings.Add(len == 0 ? "" : s_utf8.GetString(data.Slice(off, len)));
                        if (strings[0].Length != 0) throw new ProtoException("string_table[0] must be ''");
                        break;
                    }
                case 7: dropX = (long)r.ReadScalar(wt); break;
                case 8: keepX = (long)r.ReadScalar(wt); break;
                case 9:
                    if (p.TimeNanos != 0) throw new ProtoException(ConcatenatedProfiles);
                    p.TimeNanos = (long)r.ReadScalar(wt);
                    break;
                case 10: p.DurationNanos = (long)r.ReadScalar(wt); break;
                case 11: periodType = Message(ref r, wt); break;
                case 12: p.Period = (long)r.ReadScalar(wt); break;
                case 13: r.ReadRepeated(wt, commentX); break;
                case 14: defaultX = (long)r.ReadScalar(wt); break;
                case 15: docX = (long)r.ReadScalar(wt); break;
                default: r.Skip(wt); break;
            }
        }
        var st = strings.ToArray();

        // Pass 2. Wire-format problems inside the messages are still "not profile.proto" errors (ProtoException), and
        // so are string indexes out of range; inconsistent ids are errors of a profile.proto message (ProfileFormatException).
        for (int i = 0; i < sampleTypes.Count; i++) p.SampleTypes.Add(DecodeValueType(data.Slice(sampleTypes.Offset(i), sampleTypes.Length(i)), st));
        p.Mappings.Capacity = mappings.Count;
        for (int i = 0; i < mappings.Count; i++)
        {
            var mp = DecodeMapping(data.Slice(mappings.Offset(i), mappings.Length(i)), st);
            p.Mappings.Add(mp);
        }
        p.Functions.Capacity = functions.Count;
        for (int i = 0; i < functions.Count; i++) p.Functions.Add(DecodeFunction(data.Slice(functions.Offset(i), functions.Length(i)), st));

        var lineBuf = new List<Line>();
        var lineFids = new List<ulong>();
        var mapIds = new ulong[locations.Count];
        p.Locations.Capacity = locations.Count;
        for (int i = 0; i < locations.Count; i++)
        {
            p.Locations.Add(DecodeLocation(data.Slice(locations.Offset(i), locations.Length(i)), lineBuf, lineFids, out mapIds[i]));
        }
        p.DropFrames = Str(st, dropX);
        p.KeepFrames = Str(st, keepX);
        p.PeriodType = periodType.Off >= 0 ? DecodeValueType(data.Slice(periodType.Off, periodType.Len), st) : new ProfileValueType("", "");
        foreach (ulong c in commentX) p.Comments.Add(Str(st, (long)c));
        p.DefaultSampleType = Str(st, defaultX);
        p.DocUrl = Str(st, docX);

        // Resolve the ids of mappings and functions, then decode samples straight into location references.
        var mappingsById = new IdMap<Mapping?>((ulong)mappings.Count, mappings.Count);
        foreach (var m in p.Mappings) AddUnique(mappingsById, m.Id, m, "mapping");
        var functionsById = new IdMap<Function?>((ulong)functions.Count, functions.Count);
        foreach (var f in p.Functions) AddUnique(functionsById, f.Id, f, "function");
        var locationsById = new IdMap<Location?>((ulong)locations.Count, locations.Count);
        int fidIndex = 0;
        for (int i = 0; i < p.Locations.Count; i++)
        {
            var loc = p.Locations[i];
            // As in pprof, a mapping id with no mapping leaves the location without one.
            if (mapIds[i] != 0) loc.Mapping = mappingsById.GetOrDefault(mapIds[i]);
            var lines = loc.Lines;
            for (int j = 0; j < lines.Length; j++)
            {
                ulong fid = lineFids[fidIndex++];
                if (fid == 0) continue;
                lines[j].Function = functionsById.GetOrDefault(fid)
                    ?? throw new ProfileFormatException($"malformed profile: location {loc.Id} refers to function {fid}, which is not in the profile's function table");
            }
            AddUnique(locationsById, loc.Id, loc, "location");
        }
        if (array != null && samples.Count >= ParallelMinSamples && Environment.ProcessorCount > 1)
        {
            p.Samples.AddRange(DecodeSamplesInParallel(array.Value, samples, st, locationsById));
            return p;
        }
        var labelBuf = new List<(long Key, long Str, long Num, long Unit)>();
        p.Samples.Capacity = samples.Count;
        for (int i = 0; i < samples.Count; i++)
        {
            p.Samples.Add(DecodeSample(data.Slice(samples.Offset(i), samples.Length(i)), st, locationsById, labelBuf));
        }
        return p;
    }

    /// <summary>What <see cref="Profile.CheckValid"/> checks, for a profile this decoder built: ids are already known to be
    /// unique and non-zero and every reference to resolve through the tables, so only the sample values and lines without
    /// a function remain to be checked. Much cheaper than the general check on large profiles.</summary>
    internal static void ValidateDecoded(Profile p)
    {
        int sampleLen = p.SampleTypes.Count;
        if (sampleLen == 0 && p.Samples.Count != 0) throw new ProfileFormatException("malformed profile: missing sample type information");
        foreach (var s in p.Samples)
        {
            if (s.Values.Length != sampleLen)
                throw new ProfileFormatException($"malformed profile: mismatch: sample has {s.Values.Length} values vs. {sampleLen} types");
        }
        foreach (var l in p.Locations)
        {
            foreach (var ln in l.Lines)
            {
                if (ln.Function == null) throw new ProfileFormatException($"malformed profile: location id: {l.Id} has a line with nil function");
            }
        }
    }

    private static (int Off, int Len) Message(ref ProtoReader r, int wt)
    {
        if (wt != 2)
        {
            r.Skip(wt);
            throw new ProtoException("type mismatch");
        }
        return r.ReadBytesRange();
    }

    private static string Str(string[] st, long idx)
    {
        if ((ulong)idx >= (ulong)st.Length) throw new ProtoException("malformed profile format");
        return st[idx];
    }

    private static ProfileValueType DecodeValueType(ReadOnlySpan<byte> span, string[] st)
    {
        var r = new ProtoReader(span);
        long t = 0, u = 0;
        while (r.TryReadKey(out int f, out int wt))
        {
            switch (f)
            {
                case 1: t = (long)r.ReadScalar(wt); break;
                case 2: u = (long)r.ReadScalar(wt); break;
                default: r.Skip(wt); break;
            }
        }
        return new ProfileValueType(Str(st, t), Str(st, u));
    }

    private static Mapping DecodeMapping(ReadOnlySpan<byte> span, string[] st)
    {
        var r = new ProtoReader(span);
        var m = new Mapping();
        long fileX = 0, buildX = 0;
        while (r.TryReadKey(out int f, out int wt))
        {
            switch (f)
            {
                case 1: m.Id = r.ReadScalar(wt); break;
                case 2: m.Start = r.ReadScalar(wt); break;
                case 3: m.Limit = r.ReadScalar(wt); break;
                case 4: m.Offset = r.ReadScalar(wt); break;
                case 5: fileX = (long)r.ReadScalar(wt); break;
                case 6: buildX = (long)r.ReadScalar(wt); break;
                case 7: m.HasFunctions = r.ReadScalar(wt) != 0; break;
                case 8: m.HasFilenames = r.ReadScalar(wt) != 0; break;
                case 9: m.HasLineNumbers = r.ReadScalar(wt) != 0; break;
                case 10: m.HasInlineFrames = r.ReadScalar(wt) != 0; break;
                default: r.Skip(wt); break;
            }
        }
        m.File = Str(st, fileX);
        m.BuildId = Str(st, buildX);
        return m;
    }

    private static Function DecodeFunction(ReadOnlySpan<byte> span, string[] st)
    {
        var r = new ProtoReader(span);
        var fn = new Function();
        long nameX = 0, sysX = 0, fileX = 0;
        while (r.TryReadKey(out int f, out int wt))
        {
            switch (f)
            {
                case 1: fn.Id = r.ReadScalar(wt); break;
                case 2: nameX = (long)r.ReadScalar(wt); break;
                case 3: sysX = (long)r.ReadScalar(wt); break;
                case 4: fileX = (long)r.ReadScalar(wt); break;
                case 5: fn.StartLine = (long)r.ReadScalar(wt); break;
                default: r.Skip(wt); break;
            }
        }
        fn.Name = Str(st, nameX);
        fn.SystemName = Str(st, sysX);
        fn.Filename = Str(st, fileX);
        return fn;
    }

    /// <summary>Decodes a location; its lines' function ids are appended to <paramref name="fids"/> (resolved later).</summary>
    private static Location DecodeLocation(ReadOnlySpan<byte> span, List<Line> lines, List<ulong> fids, out ulong mappingId)
    {
        var r = new ProtoReader(span);
        var loc = new Location();
        lines.Clear();
        mappingId = 0;
        while (r.TryReadKey(out int f, out int wt))
        {
            switch (f)
            {
                case 1: loc.Id = r.ReadScalar(wt); break;
                case 2: mappingId = r.ReadScalar(wt); break;
                case 3: loc.Address = r.ReadScalar(wt); break;
                case 4:
                    {
                        var (off, len) = Message(ref r, wt);
                        var lr = new ProtoReader(span.Slice(off, len));
                        var line = new Line();
                        ulong fid = 0;
                        while (lr.TryReadKey(out int lf, out int lwt))
                        {
                            switch (lf)
                            {
                                case 1: fid = lr.ReadScalar(lwt); break;
                                case 2: line.LineNumber = (long)lr.ReadScalar(lwt); break;
                                case 3: line.Column = (long)lr.ReadScalar(lwt); break;
                                default: lr.Skip(lwt); break;
                            }
                        }
                        lines.Add(line);
                        fids.Add(fid);
                        break;
                    }
                case 5: loc.IsFolded = r.ReadScalar(wt) != 0; break;
                default: r.Skip(wt); break;
            }
        }
        loc.Lines = lines.Count == 0 ? Array.Empty<Line>() : lines.ToArray();
        return loc;
    }

    /// <summary>Below this many samples they are decoded on one thread.</summary>
    private const int ParallelMinSamples = 50_000;

    /// <summary>Decodes the samples in contiguous slices on several threads (samples are independent once the location
    /// table is built). A bad sample fails the decode with the error of the first bad sample in the file, as the
    /// sequential loop would.</summary>
    private static Sample[] DecodeSamplesInParallel(ReadOnlyMemory<byte> data, Ranges samples, string[] st, IdMap<Location?> locationsById)
    {
        var result = new Sample[samples.Count];
        int slices = Math.Min(Environment.ProcessorCount, 8);
        var errors = new (int Index, Exception Error)?[slices];
        Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = slices }, part =>
        {
            var labelBuf = new List<(long Key, long Str, long Num, long Unit)>();
            int from = (int)((long)samples.Count * part / slices), to = (int)((long)samples.Count * (part + 1) / slices);
            for (int i = from; i < to; i++)
            {
                try
                {
                    result[i] = DecodeSample(data.Span.Slice(samples.Offset(i), samples.Length(i)), st, locationsById, labelBuf);
                }
                catch (Exception e) when (e is ProtoException or ProfileFormatException)
                {
                    errors[part] = (i, e);
                    return;
                }
            }
        });
        foreach (var error in errors)
        {
            if (error is { } first) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first.Error);
        }
        return result;
    }

    /// <summary>Decodes a sample, resolving its location ids. Packed ids and values (what every writer produces) are
    /// decoded straight into arrays of the right size.</summary>
    private static Sample DecodeSample(ReadOnlySpan<byte> span, string[] st, IdMap<Location?> locations, List<(long Key, long Str, long Num, long Unit)> labelBuf)
    {
        var r = new ProtoReader(span);
        Location[] locs = Array.Empty<Location>();
        long[] values = Array.Empty<long>();
        labelBuf.Clear();
        while (r.TryReadKey(out int f, out int wt))
        {
            switch (f)
            {
                case 1:
                    if (wt == 2)
                    {
                        var packed = r.ReadBytes();
                        int at = Grow(ref locs, CountVarints(packed));
                        int pos = 0;
                        while (pos < packed.Length) locs[at++] = Resolve(locations, PackedVarint(packed, ref pos));
                    }
                    else
                    {
                        var loc = Resolve(locations, r.ReadScalar(wt));
                        int at = Grow(ref locs, 1);
                        locs[at] = loc;
                    }
                    break;
                case 2:
                    if (wt == 2)
                    {
                        var packed = r.ReadBytes();
                        int at = Grow(ref values, CountVarints(packed));
                        int pos = 0;
                        while (pos < packed.Length) values[at++] = (long)PackedVarint(packed, ref pos);
                    }
                    else
                    {
                        long v = (long)r.ReadScalar(wt);
                        int at = Grow(ref values, 1);
                        values[at] = v;
                    }
                    break;
                case 3:
                    {
                        var (off, len) = Message(ref r, wt);
                        var lr = new ProtoReader(span.Slice(off, len));
                        long key = 0, str = 0, num = 0, unit = 0;
                        while (lr.TryReadKey(out int lf, out int lwt))
                        {
                            switch (lf)
                            {
                                case 1: key = (long)lr.ReadScalar(lwt); break;
                                case 2: str = (long)lr.ReadScalar(lwt); break;
                                case 3: num = (long)lr.ReadScalar(lwt); break;
                                case 4: unit = (long)lr.ReadScalar(lwt); break;
                                default: lr.Skip(lwt); break;
                            }
                        }
                        labelBuf.Add((key, str, num, unit));
                        break;
                    }
                default: r.Skip(wt); break;
            }
        }
        var s = new Sample(locs, values);
        if (labelBuf.Count != 0) DecodeLabels(s, labelBuf, st);
        return s;
    }

    /// <summary>Adds an entity by id; throws for id 0 and for duplicate ids (what pprof's validation rejects).</summary>
    private static void AddUnique<T>(IdMap<T?> byId, ulong id, T value, string kind) where T : class
    {
        if (id == 0) throw new ProfileFormatException($"malformed profile: found {kind} with reserved id 0");
        if (!byId.TryAdd(id, value)) throw new ProfileFormatException($"malformed profile: multiple {kind}s with same id: {id}");
    }

    private static Location Resolve(IdMap<Location?> locations, ulong id) =>
        locations.GetOrDefault(id) ?? throw new ProfileFormatException($"malformed profile: sample refers to location {id}, which is not in the profile's location table");

    /// <summary>Reads one varint of a packed field (at most ten bytes, as pprof allows). A varint cut off by the end of the
    /// field is an error; counting terminator bytes beforehand sized the destination exactly.</summary>
    private static ulong PackedVarint(ReadOnlySpan<byte> packed, ref int pos)
    {
        byte b = packed[pos++];
        if (b < 0x80) return b;
        ulong v = (ulong)(b & 0x7F);
        for (int shift = 7; ; shift += 7)
        {
            if (pos >= packed.Length || shift > 63) throw new ProtoException("bad varint");
            b = packed[pos++];
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return v;
        }
    }

    /// <summary>Number of varints in a packed field: one per byte without the continuation bit.</summary>
    private static int CountVarints(ReadOnlySpan<byte> packed)
    {
        int n = 0;
        foreach (byte b in packed) n += (b >> 7) ^ 1;
        return n;
    }

    /// <summary>Extends an array by <paramref name="n"/> slots; returns the index of the first new slot.</summary>
    private static int Grow<T>(ref T[] a, int n)
    {
        int at = a.Length;
        if (n == 0) return at;
        if (at == 0) a = new T[n];
        else Array.Resize(ref a, at + n);
        return at;
    }

    private static void DecodeLabels(Sample s, List<(long Key, long Str, long Num, long Unit)> labelBuf, string[] st)
    {
        Dictionary<string, string[]>? labels = null;
        Dictionary<string, long[]>? numLabels = null;
        Dictionary<string, string[]>? numUnits = null;
        foreach (var (key, str, num, unit) in labelBuf)
        {
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
                if (unit != 0)
                {
                    numUnits ??= new Dictionary<string, string[]>(StringComparer.Ordinal);
                    var us = Pad(numUnits.GetValueOrDefault(k), nv?.Length ?? 0);
                    numUnits[k] = Append(us, Str(st, unit));
                }
                numLabels[k] = Append(nv, num);
            }
        }
        s.Labels = labels;
        s.NumLabels = numLabels;
        if (numLabels != null && numUnits != null)
        {
            foreach (var k in numUnits.Keys.ToArray())
            {
                if (numUnits[k].Length > 0) numUnits[k] = Pad(numUnits[k], numLabels[k].Length);
            }
            s.NumUnits = numUnits;
        }
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
