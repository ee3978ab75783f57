using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Pprof.Cli.Web;

/// <summary>Kestrel's socket transport with back-pressure on accept: at most a given number of connections are
/// accepted at once, the others wait in the kernel's backlog (as Go's <c>netutil.LimitListener</c> does). Kestrel's
/// own connection limit accepts every connection and closes the extra ones afterwards, so a burst of connections
/// still takes every file descriptor for a moment; this one never takes more than its slots.</summary>
internal sealed class LimitedListenerFactory : IConnectionListenerFactory
{
    private readonly IConnectionListenerFactory _inner;
    private readonly SemaphoreSlim _slots;

    /// <param name="inner">The transport (sockets).</param>
    /// <param name="maxConnections">Connections accepted at once, over all endpoints.</param>
    public LimitedListenerFactory(IConnectionListenerFactory inner, int maxConnections)
    {
        _inner = inner;
        _slots = new SemaphoreSlim(maxConnections, maxConnections);
    }

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        new Listener(await _inner.BindAsync(endpoint, cancellationToken).ConfigureAwait(false), _slots);

    private sealed class Listener : IConnectionListener
    {
        private readonly IConnectionListener _inner;
        private readonly SemaphoreSlim _slots;

        public Listener(IConnectionListener inner, SemaphoreSlim slots)
        {
            _inner = inner;
            _slots = slots;
        }

        public EndPoint EndPoint => _inner.EndPoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            ConnectionContext? c;
            try
            {
                c = await _inner.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                _slots.Release();
                throw;
            }
            if (c == null)
            {
                _slots.Release();
                return null;
            }
            var slots = _slots;
            c.ConnectionClosed.Register(static s => ((SemaphoreSlim)s!).Release(), slots);
            return c;
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => _inner.UnbindAsync(cancellationToken);

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}
