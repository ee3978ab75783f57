using Pprof.Profiles.Go;

namespace Pprof.Report.Tests;

public class GoFormatTests
{
    // Each row: value | %v | %.2f | %.1f | %.2g | %.3e | %5.2g | %.0f, as printed by Go 1.19's fmt.
    [Theory]
    [InlineData(0.0, "0", "0.00", "0.0", "0", "0.000e+00", "    0", "0")]
    [InlineData(1.0, "1", "1.00", "1.0", "1", "1.000e+00", "    1", "1")]
    [InlineData(-1.0, "-1", "-1.00", "-1.0", "-1", "-1.000e+00", "   -1", "-1")]
    [InlineData(0.5, "0.5", "0.50", "0.5", "0.5", "5.000e-01", "  0.5", "0")]
    [InlineData(0.125, "0.125", "0.12", "0.1", "0.12", "1.250e-01", " 0.12", "0")]
    [InlineData(0.375, "0.375", "0.38", "0.4", "0.38", "3.750e-01", " 0.38", "0")]
    [InlineData(2.675, "2.675", "2.67", "2.7", "2.7", "2.675e+00", "  2.7", "3")]
    [InlineData(1.005, "1.005", "1.00", "1.0", "1", "1.005e+00", "    1", "1")]
    [InlineData(99.995, "99.995", "100.00", "100.0", "1e+02", "1.000e+02", "1e+02", "100")]
    [InlineData(0.0001234, "0.0001234", "0.00", "0.0", "0.00012", "1.234e-04", "0.00012", "0")]
    [InlineData(1e-7, "1e-07", "0.00", "0.0", "1e-07", "1.000e-07", "1e-07", "0")]
    [InlineData(123456789.0, "1.23456789e+08", "123456789.00", "123456789.0", "1.2e+08", "1.235e+08", "1.2e+08", "123456789")]
    [InlineData(1e21, "1e+21", "1000000000000000000000.00", "1000000000000000000000.0", "1e+21", "1.000e+21", "1e+21", "1000000000000000000000")]
    [InlineData(0.05, "0.05", "0.05", "0.1", "0.05", "5.000e-02", " 0.05", "0")]
    [InlineData(0.045, "0.045", "0.04", "0.0", "0.045", "4.500e-02", "0.045", "0")]
    [InlineData(5e-05, "5e-05", "0.00", "0.0", "5e-05", "5.000e-05", "5e-05", "0")]
    [InlineData(12.5, "12.5", "12.50", "12.5", "12", "1.250e+01", "   12", "12")]
    [InlineData(0.0149, "0.0149", "0.01", "0.0", "0.015", "1.490e-02", "0.015", "0")]
    [InlineData(100.0, "100", "100.00", "100.0", "1e+02", "1.000e+02", "1e+02", "100")]
    [InlineData(3.14159, "3.14159", "3.14", "3.1", "3.1", "3.142e+00", "  3.1", "3")]
    [InlineData(4.9e-324, "5e-324", "0.00", "0.0", "4.9e-324", "4.941e-324", "4.9e-324", "0")]
    [InlineData(0.95, "0.95", "0.95", "0.9", "0.95", "9.500e-01", " 0.95", "1")]
    [InlineData(0.995, "0.995", "0.99", "1.0", "0.99", "9.950e-01", " 0.99", "1")]
    [InlineData(9.995, "9.995", "9.99", "10.0", "10", "9.995e+00", "   10", "10")]
    public void MatchesGoFmt(double v, string gv, string f2, string f1, string g2, string e3, string g2w5, string f0)
    {
        Assert.Equal(gv, GoFormat.G(v));
        Assert.Equal(f2, GoFormat.Fixed(v, 2));
        Assert.Equal(f1, GoFormat.Fixed(v, 1));
        Assert.Equal(g2, GoFormat.G(v, 2));
        Assert.Equal(e3, GoFormat.E(v, 3));
        Assert.Equal(g2w5, GoFormat.PadLeft(GoFormat.G(v, 2), 5));
        Assert.Equal(f0, GoFormat.Fixed(v, 0));
    }

    [Fact]
    public void NegativeZeroAndSpecialValues()
    {
        Assert.Equal("-0.00", GoFormat.Fixed(-0.0, 2));
        Assert.Equal("-0", GoFormat.G(-0.0));
        Assert.Equal("NaN", GoFormat.Fixed(double.NaN, 2));
        Assert.Equal("+Inf", GoFormat.G(double.PositiveInfinity));
        Assert.Equal("-Inf", GoFormat.Fixed(double.NegativeInfinity, 1));
    }
}
