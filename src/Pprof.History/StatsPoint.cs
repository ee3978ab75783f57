namespace Pprof.History;

/// <summary>Runtime stats of a process at one time.</summary>
/// <param name="Service">The service name.</param>
/// <param name="Labels">The series labels (<c>host</c>, <c>pid</c>, <c>version</c>, user labels).</param>
/// <param name="Time">When the stats were read (UTC).</param>
/// <param name="Values">Values by snake_case name with a unit suffix where there is one (<c>rss_bytes</c>,
/// <c>gc_heap_size_bytes</c>, <c>memory_limit_bytes</c>, <c>cpu_percent</c>, <c>thread_count</c>, …).</param>
public sealed record StatsPoint(string Service, IReadOnlyDictionary<string, string> Labels, DateTime Time,
    IReadOnlyDictionary<string, double> Values);
