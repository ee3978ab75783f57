using System.Reflection;

namespace Pprof.Demo;

/// <summary>Where the build put the programs the demo runs (recorded in this assembly's metadata by the project file).</summary>
internal static class ChildPrograms
{
    /// <summary>The path of the built <c>dotnet-pprof.dll</c>.</summary>
    public static string DotnetPprof => Find("dotnet-pprof");

    /// <summary>The path of the built <c>Pprof.Demo.Shop.dll</c>.</summary>
    public static string Shop => Find("Pprof.Demo.Shop");

    private static string Find(string name)
    {
        string? path = typeof(ChildPrograms).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "DemoChildProgram:" + name)?.Value;
        if (path == null || !File.Exists(path))
            throw new DemoException($"{name}.dll was not built next to the demo (expected at {path ?? "?"}); run the demo with `dotnet run -c Release --project samples/Pprof.Demo`");
        return path;
    }
}
