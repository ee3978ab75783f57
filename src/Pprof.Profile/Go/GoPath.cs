namespace Pprof.Profiles.Go;

/// <summary>Go's <c>path/filepath</c> helpers (Unix semantics) that graph and report output depend on.</summary>
public static class GoPath
{
    /// <summary>The last element of a path, like <c>filepath.Base</c>: trailing slashes removed, "." for empty, "/" for all slashes.</summary>
    public static string Base(string path)
    {
        if (path.Length == 0) return ".";
        int end = path.Length;
        while (end > 0 && path[end - 1] == '/') end--;
        if (end == 0) return "/";
        int start = path.LastIndexOf('/', end - 1) + 1;
        return path.Substring(start, end - start);
    }

    /// <summary>The shortest equivalent path, like <c>filepath.Clean</c>: collapses slashes, "." and ".." elements.</summary>
    public static string Clean(string path)
    {
        if (path.Length == 0) return ".";
        bool rooted = path[0] == '/';
        if (!NeedsCleaning(path)) return path;
        var parts = new List<string>();
        int dotdot = 0;
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > dotdot) parts.RemoveAt(parts.Count - 1);
                else if (!rooted)
                {
                    parts.Add("..");
                    dotdot++;
                }
                continue;
            }
            parts.Add(part);
        }
        string joined = string.Join('/', parts);
        if (rooted) return "/" + joined;
        return joined.Length == 0 ? "." : joined;
    }

    private static bool NeedsCleaning(string path)
    {
        if (path.Length > 1 && path[^1] == '/') return true;
        for (int i = 0; i < path.Length; i++)
        {
            if (path[i] != '/' && path[i] != '.') continue;
            if (path[i] == '/')
            {
                if (i + 1 < path.Length && path[i + 1] == '/') return true;
                continue;
            }
            // A '.' that forms a whole "." or ".." element.
            bool atStart = i == 0 || path[i - 1] == '/';
            if (!atStart) continue;
            int j = i + 1;
            if (j < path.Length && path[j] == '.') j++;
            if (j == path.Length || path[j] == '/') return true;
        }
        return false;
    }
}
