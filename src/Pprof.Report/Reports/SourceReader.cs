using Pprof.Profiles.Go;

namespace Pprof.Report.Reports;

/// <summary>Finds and caches source files for annotated listings, searching the <c>-source_path</c> directories (and
/// their parents) after trimming <c>-trim_path</c> prefixes, as pprof does.</summary>
internal sealed class SourceReader
{
    private readonly string _searchPath;
    private readonly string _trimPath;
    private readonly Dictionary<string, string[]> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);

    internal SourceReader(string searchPath, string trimPath)
    {
        _searchPath = searchPath;
        _trimPath = trimPath;
    }

    /// <summary>The error met while reading <paramref name="path"/>, or null.</summary>
    internal string? FileError(string path) => _errors.TryGetValue(path, out var e) ? e : null;

    /// <summary>Line <paramref name="lineno"/> (1-based) of <paramref name="path"/>; false when out of range or unreadable.</summary>
    internal bool TryGetLine(string path, long lineno, out string line)
    {
        if (!_files.TryGetValue(path, out var lines))
        {
            lines = Load(path);
            _files[path] = lines;
        }
        if (lineno <= 0 || lineno > lines.Length)
        {
            line = "";
            return false;
        }
        line = lines[lineno - 1];
        return true;
    }

    private string[] Load(string path)
    {
        string? file = Find(path, out string? error);
        if (file == null)
        {
            _errors[path] = error!;
            return Array.Empty<string>();
        }
        try
        {
            return ReadLines(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _errors[path] = "read " + file + ": " + e.Message;
            return Array.Empty<string>();
        }
    }

    /// <summary>Splits like Go's bufio.Scanner with ScanLines: lines end at '\n', a trailing '\r' is dropped, and a
    /// final line without a newline still counts.</summary>
    private static string[] ReadLines(string file)
    {
        string text = File.ReadAllText(file);
        var lines = new List<string>();
        int start = 0;
        while (start < text.Length)
        {
            int nl = text.IndexOf('\n', start);
            int end = nl < 0 ? text.Length : nl;
            int contentEnd = end > start && text[end - 1] == '\r' ? end - 1 : end;
            lines.Add(text.Substring(start, contentEnd - start));
            if (nl < 0) break;
            start = nl + 1;
        }
        return lines.ToArray();
    }

    private string? Find(string path, out string? error)
    {
        error = null;
        path = TrimPath(path, _trimPath, _searchPath);
        if (Path.IsPathRooted(path))
        {
            if (File.Exists(path)) return path;
            error = "open " + path + ": " + (Directory.Exists(path) ? "is a directory" : "no such file or directory");
            return null;
        }
        foreach (string searchDir in SplitList(_searchPath))
        {
            string dir = searchDir;
            while (true)
            {
                string candidate = Join(dir, path);
                if (File.Exists(candidate)) return candidate;
                string parent = Dir(dir);
                if (parent == dir) break;
                dir = parent;
            }
        }
        error = "could not find file " + path + " on path " + _searchPath;
        return null;
    }

    /// <summary>Go's filepath.SplitList on Unix: empty gives no elements, otherwise split on ':'.</summary>
    internal static string[] SplitList(string list) => list.Length == 0 ? Array.Empty<string>() : list.Split(':');

    private static string Join(string dir, string path)
    {
        if (dir.Length == 0) return GoPath.Clean(path);
        if (path.Length == 0) return GoPath.Clean(dir);
        return GoPath.Clean(dir + "/" + path);
    }

    /// <summary>Go's filepath.Dir.</summary>
    private static string Dir(string path)
    {
        int slash = path.LastIndexOf('/');
        string dir = slash < 0 ? "" : path.Substring(0, slash + 1);
        return GoPath.Clean(dir.Length == 0 ? "." : dir);
    }

    /// <summary>Cleans a source path the way pprof does: without a configured trim path, strips everything up to and
    /// including the base name of a search-path directory found inside the path; then strips the first configured
    /// prefix (or <c>/proc/self/cwd/./</c>, <c>/proc/self/cwd/</c>) the path starts with.</summary>
    internal static string TrimPath(string path, string trimPath, string searchPath)
    {
        if (trimPath.Length == 0)
        {
            foreach (string dir in SplitList(searchPath))
            {
                string want = "/" + GoPath.Base(dir) + "/";
                int found = path.IndexOf(want, StringComparison.Ordinal);
                if (found != -1) return path.Substring(found + want.Length);
            }
        }
        foreach (string configured in SplitList(trimPath))
        {
            if (TryTrim(path, configured, out string trimmed)) return trimmed;
        }
        if (TryTrim(path, "/proc/self/cwd/./", out string t1)) return t1;
        if (TryTrim(path, "/proc/self/cwd/", out string t2)) return t2;
        return path;
    }

    private static bool TryTrim(string path, string prefix, out string trimmed)
    {
        if (!prefix.EndsWith('/')) prefix += "/";
        if (path.StartsWith(prefix, StringComparison.Ordinal))
        {
            trimmed = path.Substring(prefix.Length);
            return true;
        }
        trimmed = path;
        return false;
    }
}
