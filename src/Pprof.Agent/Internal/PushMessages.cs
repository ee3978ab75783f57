using Google.Protobuf;

namespace Pprof.Agent.Internal;

/// <summary>One <c>push.v1.RawProfileSeries</c>: labels and one raw (gzipped pprof) sample.</summary>
internal sealed record PushSeries(IReadOnlyList<KeyValuePair<string, string>> Labels, ReadOnlyMemory<byte> RawProfile, string Id);

/// <summary>Encodes the Pyroscope API messages by hand with <see cref="CodedOutputStream"/>, field numbers from
/// grafana/pyroscope's api/push/v1/push.proto, api/types/v1/types.proto and api/querier/v1/querier.proto:
/// <c>PushRequest { repeated RawProfileSeries series = 1; }</c>,
/// <c>RawProfileSeries { repeated types.v1.LabelPair labels = 1; repeated RawSample samples = 2; }</c>,
/// <c>RawSample { bytes raw_profile = 1; string ID = 2; }</c>, <c>LabelPair { string name = 1; string value = 2; }</c>,
/// <c>SelectMergeProfileRequest { string profile_typeID = 1; string label_selector = 2; int64 start = 3; int64 end = 4; }</c>.</summary>
internal static class PushMessages
{
    private const uint LengthDelimited1 = (1 << 3) | 2;
    private const uint LengthDelimited2 = (2 << 3) | 2;

    public static byte[] EncodePushRequest(IReadOnlyList<PushSeries> series)
    {
        int total = 0;
        var seriesSizes = new int[series.Count];
        for (int i = 0; i < series.Count; i++)
        {
            seriesSizes[i] = SeriesSize(series[i]);
            total += 1 + CodedOutputStream.ComputeLengthSize(seriesSizes[i]) + seriesSizes[i];
        }
        var buffer = new byte[total];
        var output = new CodedOutputStream(buffer);
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            output.WriteTag(LengthDelimited1);
            output.WriteLength(seriesSizes[i]);
            foreach (var label in s.Labels)
            {
                output.WriteTag(LengthDelimited1);
                output.WriteLength(LabelSize(label));
                output.WriteTag(LengthDelimited1);
                output.WriteString(label.Key);
                output.WriteTag(LengthDelimited2);
                output.WriteString(label.Value);
            }
            output.WriteTag(LengthDelimited2);
            output.WriteLength(SampleSize(s));
            output.WriteTag(LengthDelimited1);
            output.WriteBytes(UnsafeByteOperations.UnsafeWrap(s.RawProfile));
            output.WriteTag(LengthDelimited2);
            output.WriteString(s.Id);
        }
        output.CheckNoSpaceLeft();
        return buffer;
    }

    public static byte[] EncodeSelectMergeProfileRequest(string profileTypeId, string labelSelector, long startMillis, long endMillis)
    {
        int size = 1 + CodedOutputStream.ComputeStringSize(profileTypeId) + 1 + CodedOutputStream.ComputeStringSize(labelSelector)
            + 1 + CodedOutputStream.ComputeInt64Size(startMillis) + 1 + CodedOutputStream.ComputeInt64Size(endMillis);
        var buffer = new byte[size];
        var output = new CodedOutputStream(buffer);
        output.WriteTag(LengthDelimited1);
        output.WriteString(profileTypeId);
        output.WriteTag(LengthDelimited2);
        output.WriteString(labelSelector);
        output.WriteTag(3 << 3);
        output.WriteInt64(startMillis);
        output.WriteTag(4 << 3);
        output.WriteInt64(endMillis);
        output.CheckNoSpaceLeft();
        return buffer;
    }

    private static int LabelSize(KeyValuePair<string, string> label)
        => 1 + CodedOutputStream.ComputeStringSize(label.Key) + 1 + CodedOutputStream.ComputeStringSize(label.Value);

    private static int SampleSize(PushSeries s)
        => 1 + CodedOutputStream.ComputeLengthSize(s.RawProfile.Length) + s.RawProfile.Length + 1 + CodedOutputStream.ComputeStringSize(s.Id);

    private static int SeriesSize(PushSeries s)
    {
        int size = 0;
        foreach (var label in s.Labels)
        {
            int l = LabelSize(label);
            size += 1 + CodedOutputStream.ComputeLengthSize(l) + l;
        }
        int sample = SampleSize(s);
        return size + 1 + CodedOutputStream.ComputeLengthSize(sample) + sample;
    }
}
