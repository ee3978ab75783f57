namespace Pprof.Cli.Driver;

/// <summary>A regular expression that is not valid RE2 syntax; the message uses Go's wording.</summary>
internal sealed class GoRegexException : Exception
{
    public GoRegexException(string message) : base(message) { }
}
