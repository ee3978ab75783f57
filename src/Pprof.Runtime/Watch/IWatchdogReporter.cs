namespace Pprof.Runtime.Watch;

/// <summary>Where a <see cref="Watchdog"/>'s profiles go: a directory (<see cref="FileWatchdogReporter"/>), an upload,
/// a continuous-profiling push.</summary>
public interface IWatchdogReporter
{
    /// <summary>Delivers one profile; an exception is logged and the watchdog goes on.</summary>
    Task ReportAsync(WatchdogDump dump, CancellationToken cancellationToken);
}
