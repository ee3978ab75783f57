using Pprof.History;

namespace Pprof.Agent;

/// <summary>Writes every batch to the embedded <see cref="ProfileStore"/>, one transaction per batch (profiles typed
/// by their kind, one stats point), so that <c>dotnet-pprof history</c> can merge them by time and labels.</summary>
public sealed class ProfileStoreSink : IProfileBatchSink
{
    private readonly ProfileStore _store;

    /// <summary>A sink writing to <paramref name="store"/> (disposed with the sink).</summary>
    public ProfileStoreSink(ProfileStore store) => _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <summary>Opens (creating it when missing) the store in <paramref name="directory"/>; null:
    /// <see cref="ProfileStore.DefaultDirectory"/>.</summary>
    public static ProfileStoreSink Open(string? directory, ProfileStoreOptions? options = null)
        => new(ProfileStore.Open(directory ?? ProfileStore.DefaultDirectory, options));

    /// <summary>The store.</summary>
    public ProfileStore Store => _store;

    /// <inheritdoc/>
    public string Name => "store " + _store.Directory;

    /// <inheritdoc/>
    public Task WriteAsync(ProfileBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        var profiles = batch.Profiles
            .Where(p => p.Profile.SampleTypes.Count > 0)
            .Select(p => new StoredProfile(batch.Service, p.Type, batch.Labels, batch.Start, batch.Duration, p.Profile))
            .ToArray();
        var stats = batch.Stats.Count > 0
            ? new[] { new StatsPoint(batch.Service, batch.Labels, batch.Start + batch.Duration, batch.Stats) }
            : Array.Empty<StatsPoint>();
        _store.Write(profiles, stats);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public void Dispose() => _store.Dispose();
}
