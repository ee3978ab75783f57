using System.Globalization;
using Pprof.Runtime;

namespace Pprof.Cli.Collect;

/// <summary>The progress of a collection on stderr, when stderr is a terminal: one line rewritten in place four times
/// a second (elapsed and remaining time, events received or the phase of a retention snapshot, how to stop). Prints nothing when stderr is not a
/// terminal (CI logs, tests).</summary>
internal sealed class ProgressLine : IProgress<CollectionProgress>, IProgress<Pprof.Runtime.Heap.HeapProgress>, IDisposable
{
    private readonly TextWriter _err;
    private readonly string _what;
    private readonly string _stopHint;
    private readonly TimeSpan? _duration;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Timer? _timer;
    private readonly object _gate = new();
    private long? _events;
    private string? _phase;
    private bool _drawn;
    private bool _finished;

    /// <param name="err">Where to draw.</param>
    /// <param name="interactive">Whether <paramref name="err"/> is a terminal; nothing is drawn otherwise.</param>
    /// <param name="what">What is collected ("collecting cpu from pid 42").</param>
    /// <param name="duration">The planned duration, null when open-ended.</param>
    /// <param name="stopHint">What Ctrl+C does for this kind.</param>
    public ProgressLine(TextWriter err, bool interactive, string what, TimeSpan? duration, string stopHint)
    {
        _err = err;
        _what = what;
        _duration = duration;
        _stopHint = stopHint;
        if (interactive) _timer = new Timer(_ => Draw(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(250));
    }

    public void Report(CollectionProgress value)
    {
        lock (_gate) _events = value.Events;
    }

    /// <summary>The phase of a retention snapshot: objects received from the target, then the analysis steps.</summary>
    public void Report(Pprof.Runtime.Heap.HeapProgress value)
    {
        var inv = CultureInfo.InvariantCulture;
        string text = value.Phase switch
        {
            "snapshot" => string.Create(inv, $"{value.Done:N0} objects received"),
            "profile" => "writing the profile",
            _ when value.Total > 0 => string.Create(inv, $"{value.Phase} {100.0 * value.Done / value.Total:0}% of {value.Total:N0}"),
            _ => string.Create(inv, $"{value.Phase} {value.Done:N0}"),
        };
        lock (_gate) _phase = text;
    }

    private void Draw()
    {
        lock (_gate)
        {
            if (_finished) return;
            var inv = CultureInfo.InvariantCulture;
            double elapsed = _clock.Elapsed.TotalSeconds;
            string time = _duration is { } d
                ? string.Create(inv, $"{elapsed:0.0}s of {d.TotalSeconds:0.#}s, {Math.Max(0, d.TotalSeconds - elapsed):0}s left")
                : string.Create(inv, $"{elapsed:0.0}s");
            string events = _phase != null ? ", " + _phase : _events is long n ? string.Create(inv, $", {n:N0} events") : "";
            // \r back to the start of the line, ESC[K erases what a longer earlier line left.
            _err.Write($"\r{_what}: {time}{events} ({_stopHint})\u001b[K");
            _err.Flush();
            _drawn = true;
        }
    }

    /// <summary>Stops drawing and ends the line.</summary>
    public void Dispose()
    {
        _timer?.Dispose();
        lock (_gate)
        {
            if (_finished) return;
            _finished = true;
            if (_drawn) _err.WriteLine();
        }
    }
}
