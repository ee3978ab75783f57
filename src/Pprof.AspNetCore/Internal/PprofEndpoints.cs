using Pprof.Profiles;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Pprof.Runtime;
using Pprof.Runtime.Goroutine;
using Pprof.Runtime.Heap;
using Pprof.Runtime.Internal;
using Pprof.Runtime.MemStats;

namespace Pprof.AspNetCore.Internal;

/// <summary>The handlers of the pprof endpoints, mirroring Go's net/http/pprof: the same paths, parameters, status
/// codes, headers and error messages (errors are text/plain with <c>X-Go-Pprof: 1</c> so that pprof clients show
/// them), with the .NET profiles added. Every handler first applies the access rules (port, loopback, concurrency).</summary>
internal sealed class PprofEndpoints
{
    /// <summary>Profiles that accept <c>seconds</c> for a delta (Go's list, plus the .NET exceptions profile).</summary>
    private static readonly HashSet<string> s_deltaProfiles = new(StringComparer.Ordinal)
    {
        "allocs", "block", "goroutine", "heap", "mutex", "threadcreate", "exceptions",
    };

    private static int s_wallInUse;

    private readonly PprofOptions _options;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _limits = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _symbolsLock = new(1, 1);
    private MethodSymbols? _symbols;

    public PprofEndpoints(IOptions<PprofOptions> options) => _options = options.Value;

    /// <summary>How long a symbol table is trusted before an unknown address makes it reload.</summary>
    internal static TimeSpan SymbolRefresh { get; set; } = TimeSpan.FromSeconds(5);

    public Task Index(HttpContext context) => Serve(context, "index", () => ServeIndex(context));

    public Task Cmdline(HttpContext context) => Serve(context, null, async () =>
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(string.Join('\0', CommandLine()), context.RequestAborted);
    });

    public Task CpuProfile(HttpContext context) => Serve(context, "profile", () => ServeSampled(context, ProfileKind.Cpu));

    public Task WallProfile(HttpContext context) => Serve(context, "wall", () => ServeSampled(context, ProfileKind.Wall));

    public Task Trace(HttpContext context) => Serve(context, "trace", () => ServeTrace(context));

    public Task Symbol(HttpContext context) => Serve(context, "symbol", () => ServeSymbol(context));

    public Task Named(HttpContext context)
    {
        string name = context.GetRouteValue("name") as string ?? "";
        // One limit per existing profile: unknown names share one, so that made-up names cannot grow the table.
        string limitKey = name == "heap" ? "heap" : Profiler.Lookup(name) != null ? "named:" + name : "named:?";
        return Serve(context, limitKey, () => ServeNamed(context, name));
    }

    public Task Vars(HttpContext context) => Serve(context, null, async () =>
    {
        var memStats = MemStatsReader.ReadCurrent();
        var sb = new StringBuilder();
        sb.Append("{\n\"cmdline\": [");
        sb.AppendJoin(",", CommandLine().Select(JsonString));
        sb.Append("],\n\"memstats\": ");
        using (var json = System.Text.Json.JsonDocument.Parse(MemStatsFormat.Json(memStats, indented: false)))
            sb.Append(json.RootElement.GetProperty("memstats").GetRawText());
        sb.Append("\n}\n");
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(sb.ToString(), context.RequestAborted);
    });

    /// <summary>Applies the access rules, then the concurrency limit of <paramref name="limitKey"/> (none when null).</summary>
    private async Task Serve(HttpContext context, string? limitKey, Func<Task> handler)
    {
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        var transport = context.Features.Get<TransportPeer>();
        if (_options.Port is int port && (transport?.LocalPort ?? context.Connection.LocalPort) != port)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("404 page not found\n", context.RequestAborted);
            return;
        }
        if (!_options.AllowRemoteClients && !ClientGuard.HasAuthorization(context.GetEndpoint()) && !ClientGuard.IsLoopbackClient(context))
        {
            await ServeError(context, StatusCodes.Status403Forbidden,
                "pprof endpoints serve loopback clients only (set PprofOptions.AllowRemoteClients or require authorization with MapPprof(...).RequireAuthorization())");
            return;
        }
        if (limitKey == null)
        {
            await handler();
            return;
        }
        int limit = limitKey == "heap" ? 1 : Math.Max(1, _options.ConcurrencyLimit);
        var gate = _limits.GetOrAdd(limitKey, _ => new SemaphoreSlim(limit, limit));
        if (!gate.Wait(0))
        {
            await ServeError(context, StatusCodes.Status429TooManyRequests,
                string.Create(CultureInfo.InvariantCulture, $"too many concurrent requests for this profile (limit {limit}, PprofOptions.ConcurrencyLimit)"));
            return;
        }
        try
        {
            await handler();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Go's serveError: text/plain, X-Go-Pprof: 1, no Content-Disposition, the message and a newline.</summary>
    internal static async Task ServeError(HttpContext context, int status, string text)
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

    private async Task ServeIndex(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.HasValue || !request.Path.Value!.EndsWith('/'))
        {
            // Relative links need the trailing slash, as Go's mux redirects /debug/pprof to /debug/pprof/.
            context.Response.Redirect(request.PathBase + request.Path + "/" + request.QueryString, permanent: true);
            return;
        }
        string html = IndexPage.Render(request.PathBase + request.Path);
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(html, context.RequestAborted);
    }

    /// <summary>cpu (<c>profile</c>) and wall: Go's <c>seconds</c> (default 30; an invalid or non-positive value means
    /// 30; fractions are a .NET extension), one collection at a time per kind.</summary>
    private async Task ServeSampled(HttpContext context, ProfileKind kind)
    {
        double seconds = ParseSeconds(context.Request.Query["seconds"], 30);
        if (await ExceedsMaxDuration(context, seconds)) return;
        string what = kind == ProfileKind.Cpu ? "CPU" : "wall";
        if (kind == ProfileKind.Wall && Interlocked.Exchange(ref s_wallInUse, 1) == 1)
        {
            await ServeError(context, StatusCodes.Status500InternalServerError, "Could not enable wall profiling: wall profiling already in use");
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
                await ServeError(context, StatusCodes.Status500InternalServerError, $"Could not enable {what} profiling: {e.Message}");
                return;
            }
            if (context.RequestAborted.IsCancellationRequested) return;
            await WriteProfile(context, profile, kind == ProfileKind.Cpu ? "profile" : "wall");
        }
        finally
        {
            if (kind == ProfileKind.Wall) Volatile.Write(ref s_wallInUse, 0);
        }
    }

    private async Task ServeTrace(HttpContext context)
    {
        double seconds = ParseSeconds(context.Request.Query["seconds"], 1);
        if (await ExceedsMaxDuration(context, seconds)) return;
        var response = context.Response;
        try
        {
            await NetTraceSession.WriteAsync(response.Body, TimeSpan.FromSeconds(seconds), () =>
            {
                response.ContentType = "application/octet-stream";
                response.Headers.ContentDisposition = "attachment; filename=\"trace.nettrace\"";
            }, context.RequestAborted);
        }
        catch (ProfilerException e)
        {
            await ServeError(context, StatusCodes.Status500InternalServerError, $"Could not enable tracing: {e.Message}");
        }
        catch (IOException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
    }

    /// <summary>Go's symbol protocol: <c>num_symbols: 1</c>, then <c>0xADDR name</c> for every address (from the query
    /// or the POST body, separated by '+') that lies in a jitted method's code.</summary>
    private async Task ServeSymbol(HttpContext context)
    {
        var request = context.Request;
        string input;
        if (HttpMethods.IsPost(request.Method))
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            input = await reader.ReadToEndAsync(context.RequestAborted);
        }
        else
        {
            input = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        }
        var addresses = input.Split('+').Select(ParseAddress).Where(a => a != 0).ToList();
        var sb = new StringBuilder("num_symbols: 1\n");
        if (addresses.Count > 0)
        {
            MethodSymbols symbols;
            try
            {
                symbols = await Symbols(addresses, context.RequestAborted);
            }
            catch (ProfilerException e)
            {
                await ServeError(context, StatusCodes.Status500InternalServerError, $"Could not read the method table: {e.Message}");
                return;
            }
            foreach (ulong a in addresses)
            {
                if (symbols.Lookup(a) is string name) sb.Append(CultureInfo.InvariantCulture, $"0x{a:x} {name}\n");
            }
        }
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(sb.ToString(), context.RequestAborted);
    }

    /// <summary>The cached method table; reloaded when it is older than <see cref="SymbolRefresh"/> and does not know one
    /// of the addresses (methods are jitted all the time).</summary>
    private async Task<MethodSymbols> Symbols(List<ulong> addresses, CancellationToken ct)
    {
        await _symbolsLock.WaitAsync(ct);
        try
        {
            var table = _symbols;
            bool stale = table == null || (DateTime.UtcNow - table.Loaded > SymbolRefresh && addresses.Any(a => table.Lookup(a) == null));
            if (stale) _symbols = table = await Task.Run(() => MethodSymbols.Load(ct), ct);
            return table!;
        }
        finally
        {
            _symbolsLock.Release();
        }
    }

    private static ulong ParseAddress(string word)
    {
        string w = word.Trim();
        if (w.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return ulong.TryParse(w.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong h) ? h : 0;
        if (w.Length > 1 && w[0] == '0')
        {
            try
            {
                return Convert.ToUInt64(w, 8);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                return 0;
            }
        }
        return ulong.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out ulong d) ? d : 0;
    }

    private async Task ServeNamed(HttpContext context, string name)
    {
        var named = Profiler.Lookup(name);
        if (named == null)
        {
            await ServeError(context, StatusCodes.Status404NotFound, "Unknown profile");
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
        if (name == "heap" && gc > 0) GC.Collect();
        int.TryParse(query["debug"], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int debug);
        var ct = context.RequestAborted;
        var buffer = new MemoryStream();
        try
        {
            await Task.Run(() => Write(named, buffer, debug, ct), ct);
        }
        catch (ProfilerException e)
        {
            await ServeError(context, StatusCodes.Status500InternalServerError, $"Could not collect the {name} profile: {e.Message}");
            return;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        var response = context.Response;
        if (debug != 0)
        {
            response.ContentType = "text/plain; charset=utf-8";
        }
        else
        {
            response.ContentType = "application/octet-stream";
            response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        }
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
    }

    /// <summary>Writes a named profile; heap and goroutine snapshots honour cancellation.</summary>
    private static void Write(NamedProfile named, Stream output, int debug, CancellationToken ct)
    {
        switch (named.Name)
        {
            case "heap":
                var heap = HeapProfiler.Collect(0, null, ct);
                if (debug == 0) heap.Write(output);
                else HeapProfiler.WriteText(heap, MemStatsReader.ReadCurrent(), output);
                break;
            case "goroutine":
                var records = GoroutineProfiler.Snapshot(0, ct);
                GoroutineProfiler.WriteTo(records, Environment.ProcessId, output, debug);
                break;
            default:
                named.WriteTo(output, debug);
                break;
        }
    }

    private static Profile Collect(NamedProfile named, CancellationToken ct) => named.Name switch
    {
        "heap" => HeapProfiler.Collect(0, null, ct),
        "goroutine" => GoroutineProfiler.Collect(0, ct),
        _ => named.Build(),
    };

    /// <summary>Go's serveDeltaProfile: the difference of two snapshots <c>seconds</c> apart. An always-on profile that
    /// is off is instead collected for that time by a session of its own.</summary>
    private async Task ServeDelta(HttpContext context, NamedProfile named, string secondsText)
    {
        string name = named.Name;
        if (!double.TryParse(secondsText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) || !(seconds > 0) || double.IsInfinity(seconds))
        {
            await ServeError(context, StatusCodes.Status400BadRequest, "invalid value for \"seconds\" - must be a positive integer");
            return;
        }
        if (!s_deltaProfiles.Contains(name))
        {
            await ServeError(context, StatusCodes.Status400BadRequest, "\"seconds\" parameter is not supported for this profile type");
            return;
        }
        if (await ExceedsMaxDuration(context, seconds)) return;
        int.TryParse(context.Request.Query["debug"], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int debug);
        if (debug != 0)
        {
            await ServeError(context, StatusCodes.Status400BadRequest, "seconds and debug params are incompatible");
            return;
        }
        var ct = context.RequestAborted;
        var duration = TimeSpan.FromSeconds(seconds);
        Profile result;
        try
        {
            var kind = KindOf(name);
            if (kind is ProfileKind k && !BackgroundProfiling.IsEnabled(k))
            {
                result = await Profiler.CollectAsync(k, duration, ct);
                if (ct.IsCancellationRequested)
                {
                    await ServeError(context, StatusCodes.Status500InternalServerError, "context canceled");
                    return;
                }
            }
            else
            {
                long t0 = Now();
                var p0 = await Task.Run(() => Collect(named, ct), ct);
                try
                {
                    await Task.Delay(duration, ct);
                }
                catch (OperationCanceledException)
                {
                    await ServeError(context, StatusCodes.Status500InternalServerError, "context canceled");
                    return;
                }
                long t1 = Now();
                var p1 = await Task.Run(() => Collect(named, ct), ct);
                p0.Scale(-1);
                try
                {
                    result = Profile.Merge(new[] { p0, p1 });
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException or Pprof.Profiles.ProfileFormatException)
                {
                    await ServeError(context, StatusCodes.Status500InternalServerError, "failed to compute delta");
                    return;
                }
                result.TimeNanos = t1;
                result.DurationNanos = t1 - t0;
            }
        }
        catch (ProfilerException)
        {
            await ServeError(context, StatusCodes.Status500InternalServerError, "failed to collect profile");
            return;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        await WriteProfile(context, result, name + "-delta");
    }

    private static ProfileKind? KindOf(string name) => name switch
    {
        "allocs" => ProfileKind.Allocs,
        "mutex" => ProfileKind.Mutex,
        "block" => ProfileKind.Block,
        "threadcreate" => ProfileKind.ThreadCreate,
        "exceptions" => ProfileKind.Exceptions,
        _ => null,
    };

    private static long Now() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;

    private static async Task WriteProfile(HttpContext context, Profile profile, string filename)
    {
        var buffer = new MemoryStream();
        profile.Write(buffer);
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

    /// <summary>400 when <paramref name="seconds"/> is beyond <see cref="PprofOptions.MaxDuration"/>.</summary>
    private async Task<bool> ExceedsMaxDuration(HttpContext context, double seconds)
    {
        if (seconds <= _options.MaxDuration.TotalSeconds) return false;
        await ServeError(context, StatusCodes.Status400BadRequest, string.Create(CultureInfo.InvariantCulture,
            $"profile duration exceeds the server's maximum of {_options.MaxDuration.TotalSeconds:0.###} seconds (PprofOptions.MaxDuration)"));
        return true;
    }

    /// <summary>Go's parsing of <c>seconds</c> for profile and trace: invalid or non-positive gives the default.
    /// Fractions (<c>0.5</c>) are accepted.</summary>
    internal static double ParseSeconds(string? text, double fallback)
    {
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out double s)) return fallback;
        return s > 0 && !double.IsInfinity(s) ? s : fallback;
    }

    /// <summary>The process's argv (Go's os.Args): /proc/self/cmdline where there is one.</summary>
    internal static string[] CommandLine()
    {
        try
        {
            if (File.Exists("/proc/self/cmdline"))
            {
                string raw = File.ReadAllText("/proc/self/cmdline");
                return raw.TrimEnd('\0').Split('\0');
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return Environment.GetCommandLineArgs();
    }

    private static string JsonString(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}
