using System.Text;

namespace Pprof.Cli.Driver;

/// <summary>The driver's view of the terminal: report output, messages (on stderr, as pprof prints them) and, for the
/// shell, reading command lines.</summary>
internal sealed class PprofUI
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly TextReader _input;
    private readonly LineEditor? _editor;

    public PprofUI(TextReader input, Stream output, TextWriter error, bool outputIsTerminal = false, LineEditor? editor = null)
    {
        _input = input;
        Output = output;
        Error = error;
        IsTerminal = outputIsTerminal;
        _editor = editor;
    }

    /// <summary>Where reports go (standard output).</summary>
    public Stream Output { get; }

    /// <summary>Where messages go (standard error).</summary>
    public TextWriter Error { get; }

    /// <summary>True when standard output is a terminal.</summary>
    public bool IsTerminal { get; }

    /// <summary>True while the interactive shell runs (pprof's interactiveMode).</summary>
    public bool Interactive { get; set; }

    /// <summary>Files to delete when the driver finishes.</summary>
    public List<string> TempFiles { get; } = new();

    /// <summary>Prints an informational message on stderr (a newline is added when missing).</summary>
    public void Print(string text) => Write(text);

    /// <summary>Prints an error message on stderr (a newline is added when missing).</summary>
    public void PrintErr(string text) => Write(text);

    private void Write(string text)
    {
        if (!text.EndsWith('\n')) text += "\n";
        Error.Write(text);
        Error.Flush();
    }

    /// <summary>Shows <paramref name="prompt"/> and reads a line; null at end of input.</summary>
    public string? ReadLine(string prompt)
    {
        if (_editor != null) return _editor.ReadLine(prompt);
        // pprof's plain reader shows the prompt on standard output.
        byte[] p = s_utf8.GetBytes(prompt);
        Output.Write(p);
        Output.Flush();
        return _input.ReadLine();
    }

    /// <summary>Deletes the temporary files registered in <see cref="TempFiles"/>.</summary>
    public void CleanupTempFiles()
    {
        foreach (var f in TempFiles)
        {
            try
            {
                File.Delete(f);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        TempFiles.Clear();
    }
}
