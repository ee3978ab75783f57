using System.Diagnostics;

namespace Pprof.Runtime.Heap;

/// <summary>Passes <see cref="HeapProgress"/> reports on at most every 200 ms (and always when the phase changes), so
/// that the hot loops may call it freely.</summary>
internal sealed class ProgressThrottle
{
    private readonly IProgress<HeapProgress>? _progress;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private string _phase = "";
    private long _last = long.MinValue;

    public ProgressThrottle(IProgress<HeapProgress>? progress) => _progress = progress;

    public void Report(string phase, long done, long total)
    {
        if (_progress == null) return;
        long now = _clock.ElapsedMilliseconds;
        if (phase == _phase && now - _last < 200) return;
        _phase = phase;
        _last = now;
        _progress.Report(new HeapProgress(phase, done, total));
    }
}
