namespace Pprof.Profiles.Legacy;

/// <summary>Reads lines the way Go's <c>bufio.Scanner</c> with <c>ScanLines</c> does, including its quirks: a trailing
/// <c>\r</c> is dropped, <see cref="Text"/> is empty after the end, and a line of 64 KiB or more stops the scan with
/// an error (and leaves <see cref="Text"/> at the previous line).</summary>
internal sealed class LineScanner
{
    /// <summary>bufio.MaxScanTokenSize.</summary>
    private const int MaxLine = 64 * 1024;

    private readonly string _text;
    private int _pos;
    private bool _done;

    public LineScanner(string text, int start = 0)
    {
        _text = text;
        _pos = start;
    }

    /// <summary>The current line (without its line ending).</summary>
    public string Text { get; private set; } = "";

    /// <summary>The error that stopped the scan, or null.</summary>
    public string? Error { get; private set; }

    public bool Scan()
    {
        if (_done) return false;
        if (_pos >= _text.Length)
        {
            _done = true;
            Text = "";
            return false;
        }
        int nl = _text.IndexOf('\n', _pos);
        int end = nl < 0 ? _text.Length : nl;
        if (end - _pos >= MaxLine)
        {
            _done = true;
            Error = "bufio.Scanner: token too long";
            return false;
        }
        int tokenEnd = end;
        if (tokenEnd > _pos && _text[tokenEnd - 1] == '\r') tokenEnd--;
        Text = _text.Substring(_pos, tokenEnd - _pos);
        _pos = nl < 0 ? _text.Length : nl + 1;
        return true;
    }

    /// <summary>Throws the scan error, if any, as a <see cref="ProfileFormatException"/>.</summary>
    public void ThrowIfError()
    {
        if (Error != null) throw new ProfileFormatException(Error);
    }
}
