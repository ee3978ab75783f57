using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Pprof.AspNetCore.Internal;

/// <summary>Runs first in the request pipeline: records the transport peer of every request (<see cref="TransportPeer"/>)
/// and, when <see cref="PprofOptions.Port"/> is set, adds the pprof port to the server's addresses.</summary>
internal sealed class TransportPeerStartupFilter : IStartupFilter
{
    /// <summary>Kestrel's address when an application configures none.</summary>
    private const string KestrelDefaultAddress = "http://localhost:5000";

    private readonly IOptions<PprofOptions> _options;

    public TransportPeerStartupFilter(IOptions<PprofOptions> options) => _options = options;

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (_options.Value.Port is int port) AddAddress(app, port);
        app.Use((context, nextMiddleware) =>
        {
            var connection = context.Connection;
            context.Features.Set(new TransportPeer(connection.RemoteIpAddress, connection.LocalPort));
            return nextMiddleware(context);
        });
        next(app);
    };

    private static void AddAddress(IApplicationBuilder app, int port)
    {
        var addresses = app.ServerFeatures.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses == null || addresses.IsReadOnly) return;
        string address = $"http://localhost:{port}";
        if (addresses.Contains(address)) return;
        // The server's URLs are read before the pipeline is built: keep Kestrel's default when none was configured.
        if (addresses.Count == 0) addresses.Add(KestrelDefaultAddress);
        addresses.Add(address);
    }
}
