using System.Threading.Channels;

namespace Pprof.Agent.Internal;

/// <summary>A sink behind a bounded queue of its own: one task writes the batches in order; when the sink is slower
/// than the batches come, the oldest waiting batch is dropped and counted, so a slow or hanging sink costs at most
/// <c>capacity</c> batches of memory and never delays profiling or the other sinks.</summary>
internal sealed class SinkQueue
{
    private readonly Channel<ProfileBatch> _channel;
    private readonly IProfileBatchSink _sink;
    private readonly Action<string>? _log;
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _writer;
    private long _dropped;
    private long _written;
    private long _failed;

    public SinkQueue(IProfileBatchSink sink, int capacity, Action<string>? log)
    {
        _sink = sink;
        _log = log;
        _channel = Channel.CreateBounded<ProfileBatch>(
            new BoundedChannelOptions(Math.Max(1, capacity)) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            OnDropped);
        _writer = Task.Run(WriteLoopAsync);
    }

    public IProfileBatchSink Sink => _sink;

    public long Dropped => Interlocked.Read(ref _dropped);

    public long Written => Interlocked.Read(ref _written);

    public long Failed => Interlocked.Read(ref _failed);

    public void Enqueue(ProfileBatch batch)
    {
        if (!_channel.Writer.TryWrite(batch)) Interlocked.Increment(ref _dropped);
    }

    /// <summary>Lets the queued batches be written for up to <paramref name="flushTimeout"/>, then gives up on the
    /// rest (counted as dropped) and disposes the sink.</summary>
    public async Task CompleteAsync(TimeSpan flushTimeout)
    {
        _channel.Writer.TryComplete();
        if (await Task.WhenAny(_writer, Task.Delay(flushTimeout)).ConfigureAwait(false) != _writer)
        {
            _abort.Cancel();
            // A sink that ignores cancellation is left behind rather than waited for.
            await Task.WhenAny(_writer, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
        }
        while (_channel.Reader.TryRead(out _)) Interlocked.Increment(ref _dropped);
        if (_writer.IsCompleted)
        {
            try
            {
                _sink.Dispose();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
            {
                _log?.Invoke($"{_sink.Name}: closing failed: {e.Message}");
            }
        }
        _abort.Dispose();
    }

    private void OnDropped(ProfileBatch batch)
    {
        long n = Interlocked.Increment(ref _dropped);
        _log?.Invoke($"{_sink.Name} is slower than the profiles come: dropped the oldest queued batch ({batch.Service} pid {batch.ProcessId} at {batch.Start:HH:mm:ss}Z; {n} dropped so far)");
    }

    private async Task WriteLoopAsync()
    {
        var token = _abort.Token;
        try
        {
            while (await _channel.Reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (_channel.Reader.TryRead(out var batch))
                {
                    try
                    {
                        await _sink.WriteAsync(batch, token).ConfigureAwait(false);
                        Interlocked.Increment(ref _written);
                    }
                    catch (OperationCanceledException) when (token.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref _dropped);
                        return;
                    }
                    catch (Exception e)
                    {
                        long n = Interlocked.Increment(ref _failed);
                        _log?.Invoke($"{_sink.Name}: batch of {batch.Service} pid {batch.ProcessId} at {batch.Start:HH:mm:ss}Z not written ({n} so far): {e.Message}");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }
}
