namespace Pprof.Agent;

/// <summary>What one process yielded over one interval: a delta profile per type and a runtime stats point, all with
/// the same series labels.</summary>
/// <param name="Service">The service name (<c>service_name</c>).</param>
/// <param name="ProcessId">The process profiled.</param>
/// <param name="Labels">Series labels: <c>host</c>, <c>pid</c>, <c>version</c> when known, and the user's labels
/// (not <c>service_name</c>).</param>
/// <param name="Start">UTC start of the interval.</param>
/// <param name="Duration">Time covered.</param>
/// <param name="Profiles">The delta profiles, one per type.</param>
/// <param name="Stats">Runtime stats at the end of the interval, snake_case names with unit suffixes
/// (<c>rss_bytes</c>, <c>cpu_percent</c>, <c>goroutines</c>…); empty when they could not be read.</param>
public sealed record ProfileBatch(
    string Service,
    int ProcessId,
    IReadOnlyDictionary<string, string> Labels,
    DateTime Start,
    TimeSpan Duration,
    IReadOnlyList<BatchProfile> Profiles,
    IReadOnlyDictionary<string, double> Stats);
