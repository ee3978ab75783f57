using System.Diagnostics;
using System.ComponentModel;

namespace Pprof.Cli.Driver;

/// <summary>Ways to show a finished report: save it away from the terminal, or open it in a viewer (pprof's
/// awayFromTTY and invokeVisualizer).</summary>
internal static class Visualizers
{
    /// <summary>Writes the report to standard output, unless that is a terminal or the shell is running: then it goes to
    /// a new file <c>profileNNN.SUFFIX</c> in the current directory, whose name is printed.</summary>
    public static ReportPostProcessor AwayFromTty(string suffix) => (input, output, ui) =>
    {
        if (ui.IsTerminal || ui.Interactive)
        {
            using var file = TempFiles.Create("", "profile", "." + suffix, out string name);
            ui.PrintErr("Generating report in " + name);
            file.Write(input.Span);
            return;
        }
        output.Write(input.Span);
    };

    /// <summary>Saves the report in a temporary file and opens it with the first of <paramref name="viewers"/> that starts.</summary>
    public static ReportPostProcessor InvokeVisualizer(string suffix, IReadOnlyList<string> viewers) => (input, output, ui) =>
    {
        string path;
        using (var file = TempFiles.Create(Path.GetTempPath(), "pprof", "." + suffix, out path))
        {
            file.Write(input.Span);
        }
        ui.TempFiles.Add(path);
        if (!TryStart(viewers, path, waitForExit: !ui.Interactive, out var last))
        {
            throw new PprofException($"could not open a viewer for {path} (tried {string.Join(", ", viewers)})" +
                (last != null ? ": " + last.Message : ""));
        }
    };

    /// <summary>Opens <paramref name="target"/> (a file or URL) with the first of <paramref name="viewers"/> (command
    /// lines, the target appended) that starts, as pprof does; false when none does. A viewer that exits at once with
    /// an error (a browser with no display, say) counts as not started. Waiting a moment also gives the viewer time to
    /// read a file before it may be deleted; with <paramref name="waitForExit"/>, waits until the viewer exits.</summary>
    public static bool TryStart(IReadOnlyList<string> viewers, string target, bool waitForExit, out Exception? last)
    {
        last = null;
        foreach (var v in viewers)
        {
            var parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            var psi = new ProcessStartInfo(parts[0]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            for (int i = 1; i < parts.Length; i++) psi.ArgumentList.Add(parts[i]);
            psi.ArgumentList.Add(target);
            Process? p;
            try
            {
                p = Process.Start(psi);
            }
            catch (Win32Exception e)
            {
                last = e;
                continue;
            }
            if (p == null) continue;
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            if (p.WaitForExit(1000) && p.ExitCode != 0) continue;
            if (waitForExit) p.WaitForExit();
            return true;
        }
        return false;
    }

    /// <summary>Programs that may open an HTML or SVG file, in pprof's order of preference.</summary>
    public static IReadOnlyList<string> Browsers()
    {
        var cmds = new List<string>();
        string? user = Environment.GetEnvironmentVariable("BROWSER");
        if (!string.IsNullOrEmpty(user)) cmds.Add(user);
        if (OperatingSystem.IsMacOS())
        {
            cmds.Add("/usr/bin/open");
        }
        else if (OperatingSystem.IsWindows())
        {
            cmds.Add("cmd /c start");
        }
        else
        {
            cmds.AddRange(["chrome", "google-chrome", "chromium", "firefox", "sensible-browser"]);
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))) cmds.Add("xdg-open");
        }
        return cmds;
    }
}
