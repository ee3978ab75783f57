using System.IO.Compression;
using Google.Protobuf;
using Pprof.Profiles;

namespace Pprof.Agent.Tests;

/// <summary>An independent decoder of Pyroscope's push.v1.PushRequest (api/push/v1/push.proto): series = 1
/// {labels = 1 {name = 1, value = 2}, samples = 2 {raw_profile = 1, ID = 2}}. Unknown fields fail the test: the
/// client sends nothing else.</summary>
internal static class PushDecoder
{
    internal sealed record RawSample(byte[] RawProfile, string Id)
    {
        /// <summary>The raw profile must be gzipped pprof.</summary>
        public Profile Parse()
        {
            Assert.True(RawProfile.Length > 2 && RawProfile[0] == 0x1f && RawProfile[1] == 0x8b, "raw_profile is not gzipped");
            using var gz = new GZipStream(new MemoryStream(RawProfile), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gz.CopyTo(plain);
            return Profile.ParseUncompressed(plain.ToArray());
        }
    }

    internal sealed record Series(List<KeyValuePair<string, string>> Labels, List<RawSample> Samples)
    {
        public string Label(string name) => Labels.Single(l => l.Key == name).Value;
    }

    public static List<Series> Decode(byte[] body)
    {
        var result = new List<Series>();
        var input = new CodedInputStream(body);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            Assert.Equal(WireTag(1), tag);
            result.Add(DecodeSeries(input.ReadBytes().ToByteArray()));
        }
        return result;
    }

    /// <summary>querier.v1.SelectMergeProfileRequest: profile_typeID = 1, label_selector = 2, start = 3, end = 4 (ms).</summary>
    public static (string TypeId, string Selector, long Start, long End) DecodeSelectMergeProfile(byte[] body)
    {
        var input = new CodedInputStream(body);
        string type = "", selector = "";
        long start = 0, end = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (tag)
            {
                case 10: type = input.ReadString(); break;
                case 18: selector = input.ReadString(); break;
                case 24: start = input.ReadInt64(); break;
                case 32: end = input.ReadInt64(); break;
                default: Assert.Fail($"unexpected field tag {tag}"); break;
            }
        }
        return (type, selector, start, end);
    }

    private static Series DecodeSeries(byte[] bytes)
    {
        var labels = new List<KeyValuePair<string, string>>();
        var samples = new List<RawSample>();
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag == WireTag(1))
            {
                var l = new CodedInputStream(input.ReadBytes().ToByteArray());
                string name = "", value = "";
                uint t;
                while ((t = l.ReadTag()) != 0)
                {
                    if (t == WireTag(1)) name = l.ReadString();
                    else if (t == WireTag(2)) value = l.ReadString();
                    else Assert.Fail($"unexpected LabelPair field tag {t}");
                }
                labels.Add(new(name, value));
            }
            else if (tag == WireTag(2))
            {
                var s = new CodedInputStream(input.ReadBytes().ToByteArray());
                byte[] raw = Array.Empty<byte>();
                string id = "";
                uint t;
                while ((t = s.ReadTag()) != 0)
                {
                    if (t == WireTag(1)) raw = s.ReadBytes().ToByteArray();
                    else if (t == WireTag(2)) id = s.ReadString();
                    else Assert.Fail($"unexpected RawSample field tag {t}");
                }
                samples.Add(new RawSample(raw, id));
            }
            else
            {
                Assert.Fail($"unexpected RawProfileSeries field tag {tag}");
            }
        }
        return new Series(labels, samples);
    }

    private static uint WireTag(int field) => (uint)(field << 3) | 2;
}
