using System.Text;
using Pprof.Report.Visual;

namespace Pprof.Report.Tests;

public class VisualGraphvizTests
{
    private const string Dot = "digraph \"unnamed\" {\nnode [style=filled fillcolor=\"#f8f8f8\"]\nN1 [label=\"main\\nmain\" tooltip=\"main.main (1s)\"]\nN2 [label=\"main\\nwork\"]\nN1 -> N2\n}\n";

    [Fact]
    public void MissingDotIsReportedWithThePackageName()
    {
        Assert.Null(Graphviz.FindDot("/nonexistent-dir"));
        var e = Assert.Throws<GraphvizNotFoundException>(() => Graphviz.Run(Dot, "svg", "/nonexistent-dir/dot"));
        Assert.Contains("graphviz package", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void RendersSvgWithPanAndZoom()
    {
        var ms = new MemoryStream();
        Graphviz.Render(Dot, "svg", ms);
        string svg = Encoding.UTF8.GetString(ms.ToArray());
        Assert.Contains("<svg width=\"100%\" height=\"100%\" data-pprof-panzoom=\"1\"", svg);
        Assert.DoesNotContain("pt\"\n viewBox", svg);
        Assert.Contains("pprofPanZoom(document.documentElement)", svg);
        Assert.Contains("<![CDATA[", svg);
        Assert.EndsWith("</svg>\n", svg);
        // Still well-formed XML.
        var doc = System.Xml.Linq.XDocument.Parse(svg);
        Assert.Equal("svg", doc.Root!.Name.LocalName);
    }

    [Theory]
    [InlineData("png", new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' })]
    [InlineData("pdf", new byte[] { (byte)'%', (byte)'P', (byte)'D', (byte)'F' })]
    [InlineData("gif", new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8' })]
    [InlineData("ps", new byte[] { (byte)'%', (byte)'!', (byte)'P', (byte)'S' })]
    public void RendersImageFormats(string format, byte[] magic)
    {
        var ms = new MemoryStream();
        Graphviz.Render(Dot, format, ms);
        Assert.Equal(magic, ms.ToArray().Take(magic.Length).ToArray());
    }

    [Fact]
    public void DotErrorsBecomeOneLine()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Graphviz.Run("digraph { N1 -> }", "svg"));
        Assert.StartsWith("Graphviz dot failed", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void InlineDropsTheXmlPrologAndFixedSize()
    {
        string svg = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg width=\"100pt\" height=\"50pt\"\n viewBox=\"0 0 100 50\" xmlns=\"http://www.w3.org/2000/svg\">\n<g id=\"graph0\"></g>\n</svg>\n";
        string inline = SvgPanZoom.Inline(svg);
        Assert.StartsWith("<svg width=\"100%\" height=\"100%\" data-pprof-panzoom=\"1\"\n viewBox=\"0 0 100 50\"", inline);
        Assert.DoesNotContain("100pt", inline);
        Assert.DoesNotContain("<?xml", inline);
    }
}
