namespace Pprof.AspNetCore.Tests;

/// <summary>One application shared by the endpoint tests.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    internal TestApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await TestApp.StartAsync();

    public async Task DisposeAsync() => await App.DisposeAsync();
}
