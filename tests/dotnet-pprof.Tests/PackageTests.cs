using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using Pprof.Profiles;

namespace Pprof.Cli.Tests;

/// <summary><c>dotnet pack</c>: the libraries' packages carry README, licence, repository and XML docs; the tool
/// installs from a local feed into a tool path and runs <c>-top</c> and <c>collect</c>.</summary>
public sealed class PackageTests : IDisposable
{
    private static readonly string[] s_libraries = ["Pprof.Profile", "Pprof.Report", "Pprof.Runtime", "Pprof.AspNetCore", "Pprof.Trace"];

    private readonly string _tmp = Directory.CreateTempSubdirectory("pprof-pack").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private static string Repo => ConformancePack.RepoRoot;

    /// <summary>The version every package gets, from Directory.Build.props.</summary>
    private static string Version => XDocument.Load(Path.Combine(Repo, "Directory.Build.props")).Descendants("Version").Single().Value;

    [Fact]
    public void PacksTheLibrariesAndTheToolWhichInstallsFromTheFeedAndRuns()
    {
        string feed = Path.Combine(_tmp, "feed");
        string rid = RuntimeInformation.RuntimeIdentifier;

        // One pack of the six projects, built apart from the repository's own output (artifacts path).
        string solution = Path.Combine(_tmp, "packages.slnx");
        File.WriteAllText(solution, "<Solution>\n" + string.Concat(s_libraries.Append("dotnet-pprof").Select(p =>
            $"  <Project Path=\"{Path.Combine(Repo, "src", p, p + ".csproj")}\" />\n")) + "</Solution>\n");
        var pack = Run("dotnet", ["pack", solution, "-c", "Release", "-o", feed, "--artifacts-path", Path.Combine(_tmp, "artifacts"),
            "-p:ToolPackageRuntimeIdentifiers=" + rid], _tmp);
        Assert.True(pack.ExitCode == 0, pack.Output);

        foreach (string library in s_libraries)
        {
            using var zip = ZipFile.OpenRead(Path.Combine(feed, $"{library}.{Version}.nupkg"));
            var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName == library + ".nuspec").Open()).Root!;
            XNamespace ns = nuspec.Name.Namespace;
            var metadata = nuspec.Element(ns + "metadata")!;
            Assert.Equal(Version, metadata.Element(ns + "version")!.Value);
            Assert.Equal("MIT", metadata.Element(ns + "license")!.Value);
            Assert.Equal("expression", metadata.Element(ns + "license")!.Attribute("type")!.Value);
            Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
            Assert.Equal("git", metadata.Element(ns + "repository")!.Attribute("type")!.Value);
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")!.Value));
            Assert.Contains(zip.Entries, e => e.FullName == "README.md");
            Assert.Contains(zip.Entries, e => e.FullName == $"lib/net10.0/{library}.dll");
            Assert.Contains(zip.Entries, e => e.FullName == $"lib/net10.0/{library}.xml");
        }

        // The tool: a pointer package and the package for this platform, precompiled (ReadyToRun).
        Assert.True(File.Exists(Path.Combine(feed, $"dotnet-pprof.{Version}.nupkg")));
        using (var zip = ZipFile.OpenRead(Path.Combine(feed, $"dotnet-pprof.{rid}.{Version}.nupkg")))
        {
            var dll = zip.Entries.Single(e => e.FullName.EndsWith("/dotnet-pprof.dll", StringComparison.Ordinal));
            var bytes = new MemoryStream();
            using (var s = dll.Open()) s.CopyTo(bytes);
            bytes.Position = 0;
            using var pe = new PEReader(bytes);
            Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, "dotnet-pprof.dll is not ReadyToRun");
        }

        // Install into a tool path from the local feed only, with a package cache of its own (never a stale copy).
        string tools = Path.Combine(_tmp, "tools");
        var isolated = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_tmp, "nuget") };
        var install = Run("dotnet", ["tool", "install", "dotnet-pprof", "--tool-path", tools, "--source", feed, "--version", Version], _tmp, isolated);
        Assert.True(install.ExitCode == 0, install.Output);
        string tool = Path.Combine(tools, OperatingSystem.IsWindows() ? "dotnet-pprof.exe" : "dotnet-pprof");

        // -top: the same bytes as the CLI built with the tests.
        string example = Path.Combine(Repo, "examples", "cpu.pb.gz");
        var top = Run(tool, ["-top", example], _tmp);
        Assert.True(top.ExitCode == 0, top.Output);
        var expected = CliRunner.Run(["-top", example]);
        Assert.Equal(0, expected.ExitCode);
        Assert.Equal(expected.StdoutText, top.Stdout);
        Assert.Contains("Showing nodes accounting for", top.Stdout);

        // collect: a cpu profile of the workload process while it spins in HotMethod (another process, as a user would
        // profile a service; the test host itself is busy with the other test classes).
        string output = Path.Combine(_tmp, "cpu.pb.gz");
        using (var target = CollectProcessTests.StartTarget("60 cpu"))
        {
            try
            {
                var collect = Run(tool, ["collect", "cpu", "-p", target.Id.ToString(CultureInfo.InvariantCulture), "-d", "3s", "-o", output], _tmp);
                Assert.True(collect.ExitCode == 0, collect.Output);
            }
            finally
            {
                target.Kill();
            }
        }
        var profile = Profile.Parse(File.ReadAllBytes(output));
        Assert.Equal("cpu", profile.SampleTypes[^1].Type);
        Assert.Contains(profile.Samples, s => s.Locations.Any(l => l.Lines.Any(line => line.Function?.Name.EndsWith("Workloads.HotMethod", StringComparison.Ordinal) == true)));
    }

    private sealed record Outcome(int ExitCode, string Stdout, string Output);

    /// <summary>Runs <paramref name="file"/> to completion (at most ten minutes: packing compiles everything).</summary>
    private static Outcome Run(string file, IEnumerable<string> args, string workDir, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["TZ"] = "UTC";
        if (env != null)
        {
            foreach (var (k, v) in env) psi.Environment[k] = v;
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(600_000))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            Assert.Fail($"{file} {string.Join(" ", args)} did not finish in ten minutes");
        }
        return new Outcome(p.ExitCode, stdout.Result, $"{file} {string.Join(" ", args)}: exit {p.ExitCode}\n{stdout.Result}\n{stderr.Result}");
    }
}
