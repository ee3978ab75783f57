using System.Net;
using Pprof.AspNetCore.Internal;

namespace Pprof.AspNetCore.Tests;

/// <summary>The small parsers behind the access rule and the durations.</summary>
public sealed class ParsingTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("127.0.0.1:8080", "127.0.0.1")]
    [InlineData("\"[::1]:4711\"", "::1")]
    [InlineData("[2001:db8::1]", "2001:db8::1")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("unknown", null)]
    [InlineData("_hidden", null)]
    public void ForwardedNodes(string node, string? address)
    {
        Assert.Equal(address == null ? null : IPAddress.Parse(address), ClientGuard.ParseNode(node));
    }

    [Fact]
    public void MappedLoopbackIsLoopback()
    {
        Assert.True(ClientGuard.IsLoopback(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.False(ClientGuard.IsLoopback(IPAddress.Parse("::ffff:192.0.2.2")));
        Assert.False(ClientGuard.IsLoopback(null));
    }

    [Theory]
    [InlineData(null, 30)]
    [InlineData("", 30)]
    [InlineData("abc", 30)]
    [InlineData("0", 30)]
    [InlineData("-5", 30)]
    [InlineData("7", 7)]
    [InlineData("0.5", 0.5)]
    public void SecondsLikeGo(string? text, double expected)
    {
        Assert.Equal(expected, PprofResponses.ParseSeconds(text, 30));
    }
}
