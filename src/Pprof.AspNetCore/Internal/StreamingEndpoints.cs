using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pprof.Profiles;
using Pprof.Runtime;

namespace Pprof.AspNetCore.Internal;

/// <summary>The collections that run for <c>seconds</c>: <c>profile</c> (CPU), <c>wall</c> and <c>trace</c> (the
/// .nettrace stream, copied to the response as it arrives).</summary>
internal sealed class StreamingEndpoints
{
    private static int s_wallInUse;

    private readonly EndpointGuard _guard;

    public StreamingEndpoints(EndpointGuard guard) => _guard = guard;

    public Task CpuProfile(HttpContext context) => _guard.Serve(context, "profile", () => ServeSampled(context, ProfileKind.Cpu));

    public Task WallProfile(HttpContext context) => _guard.Serve(context, "wall", () => ServeSampled(context, ProfileKind.Wall));

    public Task Trace(HttpContext context) => _guard.Serve(context, "trace", () => ServeTrace(context));

    /// <summary>cpu (<c>profile</c>) and wall: Go's <c>seconds</c> (default 30; an invalid or non-positive value means
    /// 30; fractions are a .NET extension), one collection at a time per kind.</summary>
    private async Task ServeSampled(HttpContext context, ProfileKind kind)
    {
        double seconds = PprofResponses.ParseSeconds(context.Request.Query["seconds"], 30);
        if (await _guard.ExceedsMaxDuration(context, seconds)) return;
        string what = kind == ProfileKind.Cpu ? "CPU" : "wall";
        if (kind == ProfileKind.Wall && Interlocked.Exchange(ref s_wallInUse, 1) == 1)
        {
            await PprofResponses.ServeError(context, StatusCodes.Status500InternalServerError, "Could not enable wall profiling: wall profiling already in use");
            return;
        }
        try
        {
            Profile profile;
            try
            {
                profile = await Profiler.CollectAsync(kind, TimeSpan.FromSeconds(seconds), context.RequestAborted);
            }
            catch (ProfilerException e)
            {
                await PprofResponses.ServeError(context, StatusCodes.Status500InternalServerError, $"Could not enable {what} profiling: {e.Message}");
                return;
            }
            if (context.RequestAborted.IsCancellationRequested) return;
            // Where Linux does not allow on-CPU sampling the profile is the estimate: say so in the log too.
            if (kind == ProfileKind.Cpu && profile.Comments.FirstOrDefault(c => c.StartsWith("on-CPU sampling unavailable", StringComparison.Ordinal)) is { } fallback)
                context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("Pprof.AspNetCore").LogWarning("cpu profile: {Fallback}", fallback);
            await PprofResponses.WriteProfile(context, profile, kind == ProfileKind.Cpu ? "profile" : "wall");
        }
        finally
        {
            if (kind == ProfileKind.Wall) Volatile.Write(ref s_wallInUse, 0);
        }
    }

    private async Task ServeTrace(HttpContext context)
    {
        double seconds = PprofResponses.ParseSeconds(context.Request.Query["seconds"], 1);
        if (await _guard.ExceedsMaxDuration(context, seconds)) return;
        var response = context.Response;
        // Set before the first byte; an error before it (the trace could not start) replaces them.
        response.ContentType = "application/octet-stream";
        response.Headers.ContentDisposition = "attachment; filename=\"trace.nettrace\"";
        try
        {
            await Profiler.WriteTraceAsync(response.Body, TimeSpan.FromSeconds(seconds), context.RequestAborted);
        }
        catch (ProfilerException e)
        {
            await PprofResponses.ServeError(context, StatusCodes.Status500InternalServerError, $"Could not enable tracing: {e.Message}");
        }
        catch (IOException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
    }
}
