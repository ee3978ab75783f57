using System.IO.Compression;
using Pprof.Profiles;

namespace Pprof.Profiles.Tests;

/// <summary>A large gzipped stream is decompressed outside the managed heap when the gzip trailer gives the exact
/// size. Every input must give what parsing the same bytes from an array (the managed path) gives, errors included.</summary>
public class NativeDecompressionTests
{
    /// <summary>A profile whose gzipped form is over a megabyte (the deferred path's threshold).</summary>
    private static byte[] LargeProfileBytes()
    {
        var rng = new Random(3);
        var b = new OpsProfileBuilder("samples/count", "cpu/nanoseconds");
        var frames = Enumerable.Range(0, 400).Select(i => "f" + i).ToArray();
        for (int i = 0; i < 60_000; i++)
        {
            var stack = string.Join(";", Enumerable.Range(0, 1 + rng.Next(20)).Select(_ => frames[rng.Next(frames.Length)]));
            b.Sample(stack, 1, rng.Next(1, 1_000_000));
        }
        var ms = new MemoryStream();
        b.Build().Write(ms);
        return ms.ToArray();
    }

    private static readonly Lazy<byte[]> s_large = new(LargeProfileBytes);

    /// <summary>Parses <paramref name="file"/> from a stream (the native path for large gzipped input) or from the
    /// array (the managed path).</summary>
    private static string Outcome(byte[] file, ParseOptions options, bool stream)
    {
        try
        {
            var p = stream ? Profile.Parse(new MemoryStream(file), options) : Profile.Parse(file, options);
            return Convert.ToBase64String(p.ToByteArray());
        }
        catch (ProfileFormatException e)
        {
            return "error: " + e.Message;
        }
    }

    [Fact]
    public void ValidFileGivesTheSameProfile()
    {
        var file = s_large.Value;
        Assert.True(file.Length > 1 << 20, $"only {file.Length} bytes");
        Assert.Equal(Outcome(file, ParseOptions.Default, stream: false), Outcome(file, ParseOptions.Default, stream: true));
        Assert.DoesNotContain("error", Outcome(file, ParseOptions.Default, stream: true), StringComparison.Ordinal);
    }

    public static TheoryData<string> Damages() => new() { "truncated", "truncated-trailer", "corrupt", "two-members", "trailing-garbage", "wrong-size", "small-cap", "not-proto" };

    [Theory]
    [MemberData(nameof(Damages))]
    public void DamagedFileGivesTheSameOutcome(string damage)
    {
        var file = s_large.Value;
        var options = ParseOptions.Default;
        switch (damage)
        {
            case "truncated":
                file = file[..(file.Length * 2 / 3)];
                break;
            case "truncated-trailer":
                file = file[..^4];
                break;
            case "corrupt":
                file = (byte[])file.Clone();
                file[file.Length / 2] ^= 0x5a;
                break;
            case "two-members":
                file = file.Concat(file).ToArray();
                break;
            case "trailing-garbage":
                file = file.Concat(new byte[] { 1, 2, 3 }).ToArray();
                break;
            case "wrong-size":
                file = (byte[])file.Clone();
                file[^1] ^= 0x01;
                break;
            case "small-cap":
                options = new ParseOptions { MaxDecompressedBytes = 1 << 20 };
                break;
            case "not-proto":
                var text = new MemoryStream();
                using (var gz = new GZipStream(text, CompressionLevel.Fastest, leaveOpen: true))
                {
                    var rng = new Random(5);
                    var bytes = new byte[3 << 20];
                    rng.NextBytes(bytes);
                    gz.Write(bytes);
                }
                file = text.ToArray();
                break;
        }
        string expected = Outcome(file, options, stream: false);
        Assert.Equal(expected, Outcome(file, options, stream: true));
        if (damage != "two-members") Assert.StartsWith("error: ", expected, StringComparison.Ordinal);
    }
}
