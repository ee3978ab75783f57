using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pprof.Profiles;
using Pprof.Runtime;

namespace Pprof.AspNetCore.Internal;

/// <summary><c>/debug/pprof/{name}</c>: the named profiles of <see cref="Profiler.Lookup"/> (heap, retention, allocs, goroutine,
/// block, mutex, threadcreate, exceptions, custom ones), with Go's <c>debug</c>, <c>gc</c> and <c>seconds</c>
/// (delta profile) parameters.</summary>
internal sealed class NamedProfileEndpoints
{
    /// <summary>Profiles that accept <c>seconds</c> for a delta (Go's list, plus the .NET exceptions profile).</summary>
    private static readonly HashSet<string> s_deltaProfiles = new(StringComparer.Ordinal)
    {
        "allocs", "block", "goroutine", "heap", "mutex", "retention", "threadcreate", "exceptions",
    };

    private readonly EndpointGuard _guard;

    public NamedProfileEndpoints(EndpointGuard guard) => _guard = guard;

    public Task Named(HttpContext context)
    {
        string name = context.GetRouteValue("name") as string ?? "";
        // One limit per existing profile: unknown names share one, so that made-up names cannot grow the table.
        string limitKey = name == "retention" ? "retention" : Profiler.Lookup(name) != null ? "named:" + name : "named:?";
        return _guard.Serve(context, limitKey, () => ServeNamed(context, name));
    }

    private async Task ServeNamed(HttpContext context, string name)
    {
        var named = Profiler.Lookup(name);
        if (named == null)
        {
            await PprofResponses.ServeError(context, StatusCodes.Status404NotFound, "Unknown profile");
            return;
        }
        var query = context.Request.Query;
        string? secondsText = query["seconds"];
        if (!string.IsNullOrEmpty(secondsText))
        {
            await ServeDelta(context, named, secondsText);
            return;
        }
        int.TryParse(query["gc"], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int gc);
        // The heap profile then waits for the collection's events, so that inuse_ is as of this collection.
        if ((name == "heap" || name == "retention") && gc > 0) GC.Collect();
        int debug = PprofResponses.ParseDebug(context);
        var ct = context.RequestAborted;
        var buffer = new MemoryStream();
        try
        {
            await Task.Run(() => named.WriteTo(buffer, debug, ct), ct);
        }
        catch (ProfilerException e)
        {
            await PprofResponses.ServeError(context, StatusCodes.Status500InternalServerError, $"Could not collect the {name} profile: {e.Message}");
            return;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        if (debug == 0)
        {
            await PprofResponses.WriteAttachment(context, buffer, name);
            return;
        }
        var response = context.Response;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
    }

    /// <summary>Go's serveDeltaProfile (<see cref="NamedProfile.CollectDeltaAsync"/>): the difference of two snapshots
    /// <c>seconds</c> apart, with Go's status codes and messages.</summary>
    private async Task ServeDelta(HttpContext context, NamedProfile named, string secondsText)
    {
        if (!double.TryParse(secondsText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) || !(seconds > 0) || double.IsInfinity(seconds))
        {
            await PprofResponses.ServeError(context, StatusCodes.Status400BadRequest, "invalid value for \"seconds\" - must be a positive integer");
            return;
        }
        if (!s_deltaProfiles.Contains(named.Name))
        {
            await PprofResponses.ServeError(context, StatusCodes.Status400BadRequest, "\"seconds\" parameter is not supported for this profile type");
            return;
        }
        if (await _guard.ExceedsMaxDuration(context, seconds)) return;
        if (PprofResponses.ParseDebug(context) != 0)
        {
            await PprofResponses.ServeError(context, StatusCodes.Status400BadRequest, "seconds and debug params are incompatible");
            return;
        }
        var ct = context.RequestAborted;
        Profile delta;
        try
        {
            delta = await named.CollectDeltaAsync(TimeSpan.FromSeconds(seconds), ct);
        }
        catch (ProfilerException)
        {
            await PprofResponses.ServeError(context, StatusCodes.Status500InternalServerError, "failed to collect profile");
            return;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Go answers "context canceled"; nobody is left to read it.
            await PprofResponses.ServeError(context, StatusCodes.Status500InternalServerError, "context canceled");
            return;
        }
        await PprofResponses.WriteProfile(context, delta, named.Name + "-delta");
    }
}
