namespace Pprof.History.Tests;

/// <summary>The store tests share the real profiles (collected once) and run one class at a time (collection and
/// writer processes compete for CPU).</summary>
[CollectionDefinition("history")]
public sealed class HistoryCollection : ICollectionFixture<RealProfiles>
{
}
