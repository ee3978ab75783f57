namespace Pprof.Runtime.Watch;

/// <summary>A profile a <see cref="Watchdog"/> took.</summary>
/// <param name="Trigger">The rule that fired.</param>
/// <param name="Kind">The profile kind (cpu, retention, goroutine, exceptions, mutex, allocs).</param>
/// <param name="FileName">The name it is reported under: <c>&lt;kind&gt;.&lt;yyyyMMddHHmmss.fff&gt;.pb.gz</c> (UTC).</param>
/// <param name="Time">When the rule fired (UTC).</param>
/// <param name="Value">The value that fired it.</param>
/// <param name="Average">The ring's average then.</param>
/// <param name="Profile">The gzipped profile.proto.</param>
public sealed record WatchdogDump(WatchdogTrigger Trigger, string Kind, string FileName, DateTime Time, long Value, long Average, byte[] Profile);
