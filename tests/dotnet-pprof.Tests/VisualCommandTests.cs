using System.Diagnostics;
using System.Text;
using Pprof.Cli.Driver;

namespace Pprof.Cli.Tests;

/// <summary>The picture commands through the driver: -folded, -flamegraph, -svg/-png/..., and a missing Graphviz.</summary>
public sealed class VisualCommandTests : IDisposable
{
    private readonly string _profile = WebTestProfile.WriteTemp();

    public void Dispose() => File.Delete(_profile);

    private static (int Rc, byte[] Out, string Err) Run(params string[] args)
    {
        var output = new MemoryStream();
        var err = new StringWriter();
        var ui = new PprofUI(TextReader.Null, output, err);
        int rc = PprofDriver.Run(args, ui);
        return (rc, output.ToArray(), err.ToString());
    }

    [Fact]
    public void FoldedWritesCollapsedStacks()
    {
        var (rc, output, err) = Run("-folded", _profile);
        Assert.True(rc == 0, err);
        Assert.Equal("main.main;main.compute 100000000\nmain.main;main.compute;math.Sqrt 600000000\nmain.main;main.io;os.Read 300000000\n", Encoding.UTF8.GetString(output));
        (rc, output, _) = Run("-folded", "-sample_index=samples", "-focus=os", _profile);
        Assert.Equal(0, rc);
        Assert.Equal("main.main;main.io;os.Read 30\n", Encoding.UTF8.GetString(output));
    }

    [Fact]
    public void FlamegraphWritesOneSelfContainedPage()
    {
        var (rc, output, err) = Run("-flamegraph", _profile);
        Assert.True(rc == 0, err);
        string html = Encoding.UTF8.GetString(output);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("webtest", html);
        Assert.Contains("\"names\":[\"main.compute\",\"main.io\",\"main.main\",\"math.Sqrt\",\"os.Read\"]", html);
        Assert.DoesNotContain("src=\"http", html);
    }

    [Fact]
    public void SvgHasPanAndZoomAndImagesAreWrittenToFiles()
    {
        var (rc, output, err) = Run("-svg", _profile);
        Assert.True(rc == 0, err);
        string svg = Encoding.UTF8.GetString(output);
        Assert.Contains("data-pprof-panzoom", svg);
        Assert.Contains("compute", svg);
        string png = Path.Combine(Path.GetTempPath(), "visual-" + Guid.NewGuid().ToString("N") + ".png");
        try
        {
            (rc, _, err) = Run("-png", "-output", png, _profile);
            Assert.True(rc == 0, err);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png).Take(4).ToArray());
        }
        finally
        {
            File.Delete(png);
        }
    }

    [Fact]
    public void MissingGraphvizIsOneLineAndExitStatusOne()
    {
        // Run the built tool in a child process whose PATH has no dot.
        string dll = Path.Combine(AppContext.BaseDirectory, "dotnet-pprof.dll");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        if (!Path.IsPathRooted(dotnet))
        {
            dotnet = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
                .Select(d => Path.Combine(d, "dotnet")).FirstOrDefault(File.Exists) ?? "/usr/share/dotnet/dotnet";
        }
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("-svg");
        psi.ArgumentList.Add(_profile);
        psi.Environment["PATH"] = "/nonexistent-bin";
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(1, p.ExitCode);
        Assert.Equal("", stdout);
        Assert.Equal("dotnet-pprof: Graphviz 'dot' was not found on PATH; install the graphviz package (for example: apt-get install graphviz) to draw call graphs\n", stderr);
    }
}
