using Pprof.Demo;

// The main job: dotnet run -c Release --project samples/Pprof.Demo [-- --quick] [-- --faults LIST]
DemoSettings settings;
try
{
    settings = DemoSettings.Parse(args);
}
catch (DemoException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var cancel = new CancellationTokenSource();
var runner = new DemoRunner(settings, Console.Out);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => runner.Shop?.Dispose();
try
{
    return await runner.RunAsync(cancel.Token);
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("interrupted: the shop is stopped");
    return 130;
}
catch (DemoException e)
{
    Console.Error.WriteLine("demo failed: " + e.Message);
    return 2;
}
finally
{
    runner.Shop?.Dispose();
}
