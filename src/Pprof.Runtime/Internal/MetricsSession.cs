using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.EventPipe;

namespace Pprof.Runtime.Internal;

/// <summary>An EventPipe session on another process's <c>System.Runtime</c> meter (.NET 9+), read through the
/// <c>System.Diagnostics.Metrics</c> EventSource, optionally with the <c>System.Runtime</c> EventCounters and further
/// providers. Keeps the latest value of every time series (key <c>instrument</c> or <c>instrument|tags</c>; for
/// counters the running total since the session started, for gauges and up-down counters the current value) and calls
/// <see cref="Collected"/> at the end of each collection round with a copy. The stop path never hangs.</summary>
internal sealed class MetricsSession : IDisposable
{
    private const string MetricsProvider = "System.Diagnostics.Metrics";

    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Thread _reader;
    private readonly ManualResetEventSlim _done = new(false);
    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);
    private readonly string _sessionId = Guid.NewGuid().ToString();
    private int _disposed;

    private MetricsSession(int processId, TimeSpan refresh, bool eventCounters, IEnumerable<EventPipeProvider>? extra)
    {
        string seconds = Math.Max(0.1, refresh.TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture);
        var providers = new List<EventPipeProvider>
        {
            new(MetricsProvider, EventLevel.Informational, 0x2, new Dictionary<string, string>
            {
                ["SessionId"] = _sessionId, ["Metrics"] = "System.Runtime", ["RefreshInterval"] = seconds,
                ["MaxTimeSeries"] = "1000", ["MaxHistograms"] = "10",
            }),
        };
        if (eventCounters)
        {
            string whole = Math.Max(1, (int)Math.Round(refresh.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            providers.Add(new EventPipeProvider("System.Runtime", EventLevel.Informational, 0, new Dictionary<string, string> { ["EventCounterIntervalSec"] = whole }));
        }
        if (extra != null) providers.AddRange(extra);
        try
        {
            _session = new DiagnosticsClient(processId).StartEventPipeSession(providers, requestRundown: false, circularBufferMB: 16);
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or ServerErrorException or TimeoutException or IOException or UnauthorizedAccessException)
        {
            throw new ProfilerException($"cannot read the runtime metrics of process {processId}: {e.Message} (is it a .NET process with DOTNET_EnableDiagnostics unset?)", e);
        }
        _source = new EventPipeEventSource(_session.EventStream);
        _source.Dynamic.All += OnEvent;
        _reader = new Thread(Read) { IsBackground = true, Name = "pprof-metrics" };
    }

    /// <summary>Called on the reader thread at the end of each collection round with the time the target ended it (UTC)
    /// and a copy of the latest values.</summary>
    public Action<DateTime, Dictionary<string, double>>? Collected { get; set; }

    /// <summary>The event source, for subscribing to the extra providers' events before <see cref="Start"/>.</summary>
    public EventPipeEventSource Source => _source;

    /// <summary>Set when the event stream has ended (session stopped, or the process exited).</summary>
    public WaitHandle Done => _done.WaitHandle;

    /// <summary>Whether the event stream has ended.</summary>
    public bool IsDone => _done.IsSet;

    /// <summary>Opens a session on <paramref name="processId"/>; call <see cref="Start"/> after subscribing.</summary>
    public static MetricsSession Open(int processId, TimeSpan refresh, bool eventCounters = false, IEnumerable<EventPipeProvider>? extra = null) =>
        new(processId, refresh, eventCounters, extra);

    /// <summary>Starts reading events.</summary>
    public void Start() => _reader.Start();

    /// <summary>A copy of the latest values.</summary>
    public Dictionary<string, double> Snapshot()
    {
        lock (_values) return new Dictionary<string, double>(_values, StringComparer.Ordinal);
    }

    private void Read()
    {
        try
        {
            _source.Process();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or EndOfStreamException or InvalidOperationException or FormatException)
        {
            // The stream ended or was closed.
        }
        finally
        {
            _done.Set();
        }
    }

    private void OnEvent(TraceEvent e)
    {
        if (e.ProviderName == MetricsProvider)
        {
            if (e.PayloadByName("sessionId") as string != _sessionId) return;
            switch (e.EventName)
            {
                case "CounterRateValuePublished" or "UpDownCounterRateValuePublished" or "GaugeValuePublished":
                    string instrument = e.PayloadByName("instrumentName") as string ?? "";
                    string tags = e.PayloadByName("tags") as string ?? "";
                    string? text = (e.PayloadByName("value") ?? e.PayloadByName("lastValue")) as string;
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return;
                    lock (_values) _values[tags.Length == 0 ? instrument : instrument + "|" + tags] = v;
                    break;
                case "Collection/Stop" or "CollectionStop":
                    Collected?.Invoke(e.TimeStamp.ToUniversalTime(), Snapshot());
                    break;
            }
        }
        else if (e.ProviderName == "System.Runtime" && e.EventName == "EventCounters" && e.PayloadValue(0) is IDictionary<string, object> outer
                 && outer.TryGetValue("Payload", out object? inner) && inner is IDictionary<string, object> payload
                 && payload.TryGetValue("Name", out object? name) && name is string counter)
        {
            object? value = payload.TryGetValue("Mean", out object? mean) ? mean : payload.TryGetValue("Increment", out object? inc) ? inc : null;
            if (value != null) lock (_values) _values["counter:" + counter] = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Sum of every time series of <paramref name="instrument"/> (all tag combinations); null when none.</summary>
    public static double? Sum(Dictionary<string, double> values, string instrument)
    {
        double total = 0;
        bool any = false;
        foreach (var (key, v) in values)
        {
            if (key.Length >= instrument.Length && key.StartsWith(instrument, StringComparison.Ordinal) && (key.Length == instrument.Length || key[instrument.Length] == '|'))
            {
                total += v;
                any = true;
            }
        }
        return any ? total : null;
    }

    /// <summary>The time series of <paramref name="instrument"/> whose tags include <paramref name="tag"/> (name=value).</summary>
    public static double? Tagged(Dictionary<string, double> values, string instrument, string tag)
    {
        double total = 0;
        bool any = false;
        foreach (var (key, v) in values)
        {
            if (!key.StartsWith(instrument + "|", StringComparison.Ordinal)) continue;
            foreach (string t in key[(instrument.Length + 1)..].Split(','))
            {
                if (t == tag)
                {
                    total += v;
                    any = true;
                }
            }
        }
        return any ? total : null;
    }

    /// <summary>Stops the session (bounded wait) and closes the stream.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (_reader.ThreadState != ThreadState.Unstarted)
        {
            SelfSessionStop.Stop(_session, _done.WaitHandle, TimeSpan.FromSeconds(5));
            if (!_done.Wait(TimeSpan.FromSeconds(5))) _source.StopProcessing();
        }
        SelfSessionStop.Close(_session);
        _source.Dispose();
    }
}
