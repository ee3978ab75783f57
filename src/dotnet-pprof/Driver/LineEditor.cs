using System.Text;

namespace Pprof.Cli.Driver;

/// <summary>Reads command lines from a terminal with editing and history: left/right, Home/End, Ctrl+A/E/B/F,
/// backspace/delete, Ctrl+K/U/W, up/down through earlier lines, Ctrl+D on an empty line to leave. The prompt and the
/// echo go to stderr, as pprof's terminal UI does.</summary>
internal sealed class LineEditor
{
    private readonly List<string> _history = new();
    private readonly TextWriter _echo;

    public LineEditor(TextWriter echo) => _echo = echo;

    /// <summary>True when standard input is an interactive terminal fit for line editing.</summary>
    public static bool Available()
    {
        if (Console.IsInputRedirected) return false;
        string term = (Environment.GetEnvironmentVariable("TERM") ?? "").ToLowerInvariant();
        return term.Length > 0 && term != "dumb";
    }

    /// <summary>Shows <paramref name="prompt"/> and reads one edited line; null at end of input (Ctrl+D on an empty line).</summary>
    public string? ReadLine(string prompt)
    {
        var line = new StringBuilder();
        int pos = 0;
        int hist = _history.Count;
        string pending = "";
        bool treatCtrlC = Console.TreatControlCAsInput;
        Console.TreatControlCAsInput = true;
        try
        {
            _echo.Write(prompt);
            _echo.Flush();
            while (true)
            {
                var k = Console.ReadKey(intercept: true);
                bool ctrl = (k.Modifiers & ConsoleModifiers.Control) != 0;
                switch (k.Key)
                {
                    case ConsoleKey.Enter:
                        _echo.Write("\r\n");
                        _echo.Flush();
                        string result = line.ToString();
                        if (result.Trim().Length > 0 && (_history.Count == 0 || _history[^1] != result)) _history.Add(result);
                        return result;
                    case ConsoleKey.Backspace:
                        if (pos > 0)
                        {
                            line.Remove(pos - 1, 1);
                            pos--;
                        }
                        break;
                    case ConsoleKey.Delete:
                        if (pos < line.Length) line.Remove(pos, 1);
                        break;
                    case ConsoleKey.LeftArrow:
                        if (pos > 0) pos--;
                        break;
                    case ConsoleKey.RightArrow:
                        if (pos < line.Length) pos++;
                        break;
                    case ConsoleKey.Home:
                        pos = 0;
                        break;
                    case ConsoleKey.End:
                        pos = line.Length;
                        break;
                    case ConsoleKey.UpArrow:
                        if (hist > 0)
                        {
                            if (hist == _history.Count) pending = line.ToString();
                            hist--;
                            line.Clear().Append(_history[hist]);
                            pos = line.Length;
                        }
                        break;
                    case ConsoleKey.DownArrow:
                        if (hist < _history.Count)
                        {
                            hist++;
                            line.Clear().Append(hist == _history.Count ? pending : _history[hist]);
                            pos = line.Length;
                        }
                        break;
                    default:
                        if (ctrl)
                        {
                            switch (k.Key)
                            {
                                case ConsoleKey.A: pos = 0; break;
                                case ConsoleKey.E: pos = line.Length; break;
                                case ConsoleKey.B: if (pos > 0) pos--; break;
                                case ConsoleKey.F: if (pos < line.Length) pos++; break;
                                case ConsoleKey.K: line.Length = pos; break;
                                case ConsoleKey.U: line.Remove(0, pos); pos = 0; break;
                                case ConsoleKey.W:
                                {
                                    int start = pos;
                                    while (start > 0 && line[start - 1] == ' ') start--;
                                    while (start > 0 && line[start - 1] != ' ') start--;
                                    line.Remove(start, pos - start);
                                    pos = start;
                                    break;
                                }
                                case ConsoleKey.D:
                                    if (line.Length == 0)
                                    {
                                        _echo.Write("\r\n");
                                        _echo.Flush();
                                        return null;
                                    }
                                    if (pos < line.Length) line.Remove(pos, 1);
                                    break;
                                case ConsoleKey.C:
                                    _echo.Write("^C\r\n");
                                    _echo.Flush();
                                    return "";
                                case ConsoleKey.L:
                                    _echo.Write("\u001b[H\u001b[2J");
                                    break;
                            }
                        }
                        else if (k.KeyChar >= ' ' && k.KeyChar != '\u007f')
                        {
                            line.Insert(pos, k.KeyChar);
                            pos++;
                        }
                        break;
                }
                Redraw(prompt, line, pos);
            }
        }
        catch (InvalidOperationException)
        {
            // The console cannot be read key by key after all: fall back to plain reading.
            return Console.In.ReadLine();
        }
        finally
        {
            Console.TreatControlCAsInput = treatCtrlC;
        }
    }

    private void Redraw(string prompt, StringBuilder line, int pos)
    {
        var sb = new StringBuilder("\r").Append(prompt).Append(line).Append("\u001b[K");
        int back = line.Length - pos;
        if (back > 0) sb.Append("\u001b[").Append(back).Append('D');
        _echo.Write(sb.ToString());
        _echo.Flush();
    }
}
