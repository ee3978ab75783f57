namespace Pprof.Demo;

/// <summary>One row of a <c>-top</c> report: flat and cum as printed (with their unit), their percentages, the name.</summary>
internal sealed record TopRow(string Text, string Flat, double FlatPercent, string Cum, double CumPercent, string Name);
