namespace Pprof.Profiles.Go;

/// <summary>A regular expression that is not valid RE2 syntax; the message uses Go's wording.</summary>
public sealed class GoRegexException : Exception
{
    /// <summary>Creates the exception with Go's error text.</summary>
    public GoRegexException(string message) : base(message) { }
}
