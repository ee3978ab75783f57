using System.Diagnostics;
using System.Text;

namespace Pprof.Report.Visual;

/// <summary>Renders DOT call graphs with Graphviz's <c>dot</c> program.</summary>
public static class Graphviz
{
    /// <summary>The output formats <c>dot</c> is asked for, by report name.</summary>
    public static readonly IReadOnlyList<string> Formats = new[] { "svg", "png", "pdf", "gif", "ps" };

    /// <summary>Finds <c>dot</c> on <paramref name="path"/> (default: the <c>PATH</c> environment variable); null when absent.</summary>
    internal static string? FindDot(string? path = null)
    {
        path ??= Environment.GetEnvironmentVariable("PATH") ?? "";
        string exe = OperatingSystem.IsWindows() ? "dot.exe" : "dot";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, exe);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Runs <c>dot -T<paramref name="format"/></c> on <paramref name="dot"/> and writes what it produces to
    /// <paramref name="output"/>. An SVG gets pan and zoom (<see cref="SvgPanZoom"/>). Throws
    /// <see cref="GraphvizNotFoundException"/> when <c>dot</c> is not installed and <see cref="InvalidOperationException"/>
    /// (with dot's own message) when it fails.</summary>
    public static void Render(string dot, string format, Stream output, string? dotPath = null)
    {
        if (!Formats.Contains(format)) throw new ArgumentException("unsupported Graphviz format " + format, nameof(format));
        byte[] result = Run(dot, format, dotPath);
        if (format == "svg")
        {
            var svg = SvgPanZoom.Apply(Encoding.UTF8.GetString(result));
            result = new UTF8Encoding(false).GetBytes(svg);
        }
        output.Write(result);
    }

    /// <summary>Runs <c>dot</c> and returns its standard output.</summary>
    public static byte[] Run(string dot, string format, string? dotPath = null)
    {
        string exe = dotPath ?? FindDot() ?? throw new GraphvizNotFoundException();
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-T" + format);
        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new GraphvizNotFoundException();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new GraphvizNotFoundException();
        }
        using (p)
        {
            var stdout = new MemoryStream();
            var copyOut = p.StandardOutput.BaseStream.CopyToAsync(stdout);
            var readErr = p.StandardError.ReadToEndAsync();
            try
            {
                var input = new UTF8Encoding(false).GetBytes(dot);
                p.StandardInput.BaseStream.Write(input);
                p.StandardInput.Close();
            }
            catch (IOException)
            {
                // dot exited early; its message is on stderr.
            }
            copyOut.GetAwaiter().GetResult();
            string err = readErr.GetAwaiter().GetResult();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                string first = err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
                throw new InvalidOperationException($"Graphviz dot failed (exit status {p.ExitCode}){(first.Length != 0 ? ": " + first : "")}");
            }
            return stdout.ToArray();
        }
    }
}
