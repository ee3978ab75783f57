using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Pprof.Runtime.MemStats;

namespace Pprof.AspNetCore.Internal;

/// <summary>What the process says about itself: <c>cmdline</c> (Go's NUL-separated argv) and the expvar-style
/// <c>vars</c> JSON (cmdline and memstats).</summary>
internal sealed class ProcessInfoEndpoints
{
    private readonly EndpointGuard _guard;

    public ProcessInfoEndpoints(EndpointGuard guard) => _guard = guard;

    public Task Cmdline(HttpContext context) => _guard.Serve(context, null, async () =>
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(string.Join('\0', CommandLine()), context.RequestAborted);
    });

    public Task Vars(HttpContext context) => _guard.Serve(context, null, async () =>
    {
        var memStats = MemStatsReader.ReadCurrent();
        var sb = new StringBuilder();
        sb.Append("{\n\"cmdline\": [");
        sb.AppendJoin(",", CommandLine().Select(s => JsonSerializer.Serialize(s)));
        sb.Append("],\n\"memstats\": ");
        using (var json = JsonDocument.Parse(MemStatsFormat.Json(memStats, indented: false)))
            sb.Append(json.RootElement.GetProperty("memstats").GetRawText());
        sb.Append("\n}\n");
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(sb.ToString(), context.RequestAborted);
    });

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
}
