using Pprof.Profiles;
using System.Net;
using Pprof.Runtime.Internal;

namespace Pprof.AspNetCore.Tests;

/// <summary>Assertions on responses.</summary>
internal static class Http
{
    public static string Header(HttpResponseMessage r, string name)
    {
        if (r.Headers.TryGetValues(name, out var v)) return string.Join(",", v);
        if (r.Content.Headers.TryGetValues(name, out var c)) return string.Join(",", c);
        return "";
    }

    /// <summary>A Go-style error: the status, text/plain, X-Go-Pprof: 1, no Content-Disposition, the exact message.</summary>
    public static async Task AssertGoError(HttpResponseMessage r, HttpStatusCode status, string message)
    {
        string body = await r.Content.ReadAsStringAsync();
        Assert.True(status == r.StatusCode, $"expected {(int)status}, got {(int)r.StatusCode}: {body}");
        Assert.Equal("text/plain; charset=utf-8", Header(r, "Content-Type"));
        Assert.Equal("1", Header(r, "X-Go-Pprof"));
        Assert.Equal("nosniff", Header(r, "X-Content-Type-Options"));
        Assert.Equal("", Header(r, "Content-Disposition"));
        Assert.Equal(message + "\n", body);
    }

    /// <summary>A profile download: 200, octet-stream, the attachment name, a valid profile.</summary>
    public static async Task<Profile> AssertProfile(HttpResponseMessage r, string filename)
    {
        byte[] bytes = await r.Content.ReadAsByteArrayAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"status {(int)r.StatusCode}: {System.Text.Encoding.UTF8.GetString(bytes)}");
        Assert.Equal("application/octet-stream", Header(r, "Content-Type"));
        Assert.Equal($"attachment; filename=\"{filename}\"", Header(r, "Content-Disposition"));
        Assert.Equal("nosniff", Header(r, "X-Content-Type-Options"));
        Assert.Equal(0x1f, bytes[0]); // gzipped, as Go writes it
        var p = Profile.Parse(bytes);
        p.CheckValid();
        return p;
    }

    /// <summary>Polls (at most 30 s) until <paramref name="condition"/> holds; false when it never did.</summary>
    public static async Task<bool> Eventually(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) return false;
            await Task.Delay(20);
        }
        return true;
    }

    /// <summary>Whether a CPU profile of this process is running (its reservation is taken).</summary>
    public static bool CpuProfileRuns()
    {
        try
        {
            SessionCollection.ReserveCpu(Environment.ProcessId).Dispose();
            return false;
        }
        catch (Pprof.Runtime.ProfilerException)
        {
            return true;
        }
    }

    public static bool HasFunction(Profile p, string nameContains) =>
        p.Samples.Any(s => s.Values.Any(v => v != 0) && s.Locations.Any(l => l.Lines.Any(line => line.Function?.Name.Contains(nameContains, StringComparison.Ordinal) == true)));
}
