using Pprof.Demo.Shop;

try
{
    var app = ShopApp.Build(args);
    await app.StartAsync();
    if (int.TryParse(app.Configuration["exit-with-parent"], out int parentPid)) ShopApp.ExitWithParent(app, parentPid);
    Console.WriteLine(ShopApp.ReadyBanner + ShopApp.ListeningAddress(app));
    Console.WriteLine("faults: " + string.Join(", ", app.Services.GetRequiredService<Pprof.Demo.Shop.Faults.FaultSwitches>().Snapshot()
        .Select(kv => kv.Key + (kv.Value ? "=on" : "=off"))));
    await app.WaitForShutdownAsync();
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("Pprof.Demo.Shop: " + e.Message);
    return 2;
}
