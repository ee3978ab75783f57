namespace Pprof.Cli.Driver;

/// <summary>The value type of a configuration field.</summary>
internal enum ConfigFieldKind
{
    Bool,
    Int,
    Float,
    String,
}
