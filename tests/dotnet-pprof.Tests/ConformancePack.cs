using System.Reflection;

namespace Pprof.Cli.Tests;

/// <summary>Locates the pprof conformance pack: <c>&lt;repo root&gt;/../shared/conformance/pprof</c>.</summary>
internal static class ConformancePack
{
    /// <summary>A profile fixture of the pack.</summary>
    public static string Profile(string name) => Path.Combine(Dir, "profiles", name);

    /// <summary>The repository root, recorded at build time.</summary>
    public static string RepoRoot { get; } = typeof(ConformancePack).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "RepoRoot").Value!;

    /// <summary>The pack's directory; throws when it cannot be found.</summary>
    public static string Dir { get; } = Find();

    private static string Find()
    {
        string pack = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "conformance", "pprof"));
        if (File.Exists(Path.Combine(pack, "cases.txt"))) return pack;
        throw new DirectoryNotFoundException("conformance pack not found at " + pack + " (expected <repo root>/../shared/conformance/pprof)");
    }
}
