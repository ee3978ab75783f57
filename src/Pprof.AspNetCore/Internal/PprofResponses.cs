using System.Globalization;
using Microsoft.AspNetCore.Http;
using Pprof.Profiles;

namespace Pprof.AspNetCore.Internal;

/// <summary>What the handlers share, as Go's net/http/pprof writes it: errors, profile downloads, <c>seconds</c>.</summary>
internal static class PprofResponses
{
    /// <summary>Go's serveError: text/plain, X-Go-Pprof: 1, no Content-Disposition, the message and a newline.</summary>
    public static async Task ServeError(HttpContext context, int status, string text)
    {
        var response = context.Response;
        if (response.HasStarted) return;
        response.Headers.ContentDisposition = default;
        response.Headers["X-Go-Pprof"] = "1";
        response.ContentType = "text/plain; charset=utf-8";
        response.StatusCode = status;
        try
        {
            await response.WriteAsync(text + "\n", context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
    }

    /// <summary>A profile download: gzipped profile.proto as an attachment named <paramref name="filename"/>.</summary>
    public static Task WriteProfile(HttpContext context, Profile profile, string filename)
    {
        var buffer = new MemoryStream();
        profile.Write(buffer);
        return WriteAttachment(context, buffer, filename);
    }

    /// <summary>Sends <paramref name="buffer"/> as an octet-stream attachment (with its length).</summary>
    public static async Task WriteAttachment(HttpContext context, MemoryStream buffer, string filename)
    {
        var response = context.Response;
        response.ContentType = "application/octet-stream";
        response.Headers.ContentDisposition = $"attachment; filename=\"{filename}\"";
        response.ContentLength = buffer.Length;
        try
        {
            await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
    }

    /// <summary>Go's parsing of <c>seconds</c> for profile and trace: invalid or non-positive gives the default.
    /// Fractions (<c>0.5</c>) are accepted.</summary>
    public static double ParseSeconds(string? text, double fallback)
    {
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out double s)) return fallback;
        return s > 0 && !double.IsInfinity(s) ? s : fallback;
    }

    /// <summary>The <c>debug</c> parameter (0 when absent or invalid).</summary>
    public static int ParseDebug(HttpContext context)
    {
        int.TryParse(context.Request.Query["debug"], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int debug);
        return debug;
    }
}
