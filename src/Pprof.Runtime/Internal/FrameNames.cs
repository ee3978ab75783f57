namespace Pprof.Runtime.Internal;

/// <summary>Turns the runtime's method names (<c>Ns.Outer+&lt;Run&gt;d__3.MoveNext(int32,class System.Object)</c>) into
/// pprof frame names (<c>Ns.Outer.Run</c>): no signature, nested types joined with '.', generic arguments in angle
/// brackets (spelled as <see cref="TypeNames"/> spells types), async state machines and lambdas named after the
/// method that declares them.</summary>
internal static class FrameNames
{
    /// <summary>Formats a full runtime method name.</summary>
    public static string Format(string fullMethodName)
    {
        if (string.IsNullOrEmpty(fullMethodName)) return "";
        string s = fullMethodName;
        if (s.StartsWith('[') && s.IndexOf(']') is int close and > 0 && !s.StartsWith("[[", StringComparison.Ordinal))
            s = s[(close + 1)..]; // optimization tier prefix such as [OptimizedTier1]
        int paren = IndexOfTopLevel(s, '(');
        if (paren >= 0) s = s[..paren];
        s = TypeNames.Format(s, keepOuterNesting: true);

        // Split into the declaring type and the method at the last top-level '.' (".ctor" keeps its dot).
        int split = LastTopLevelDot(s);
        string type = split > 0 ? s[..split] : "";
        string method = split > 0 ? s[(split + 1)..] : s;
        if (method.Length == 0 && split > 0 && s[split - 1] == '.')
        {
            type = s[..(split - 1)];
            method = "." + s[(split + 1)..];
        }
        if (split > 0 && split + 1 < s.Length && type.EndsWith('.'))
        {
            type = type[..^1];
            method = "." + method;
        }

        var parts = SplitNested(type);
        // Compiler-generated async state machines and iterators: Outer+<Run>d__3.MoveNext -> Outer.Run
        if ((method == "MoveNext" || method == "System.Collections.IEnumerator.MoveNext") && parts.Count > 1 && TryGeneratedName(parts[^1], out string inner, out char kind) && kind == 'd')
        {
            parts.RemoveAt(parts.Count - 1);
            method = LambdaOrLocal(inner);
        }
        // Closure classes: Outer+<>c or Outer+<>c__DisplayClass0_0 contribute nothing to the name.
        while (parts.Count > 1 && parts[^1].StartsWith("<>c", StringComparison.Ordinal)) parts.RemoveAt(parts.Count - 1);
        method = LambdaOrLocal(method);
        for (int i = 0; i < parts.Count; i++) parts[i] = LambdaOrLocal(parts[i]);
        string typeName = string.Join('.', parts.Where(p => p.Length > 0));
        return typeName.Length == 0 ? method : typeName + "." + method;
    }

    /// <summary>Names a compiler-generated member: <c>&lt;Main&gt;b__0_1</c> → <c>Main.func1</c>,
    /// <c>&lt;Main&gt;g__Local|0_0</c> → <c>Main.Local</c>, other names unchanged.</summary>
    private static string LambdaOrLocal(string name)
    {
        if (!TryGeneratedName(name, out string inner, out char kind)) return name;
        string owner = LambdaOrLocal(inner);
        if (owner == "<Main>$") owner = "Main";
        // The suffix follows the generated-name letter after the '>' that closes <inner>; later '>' (a generic
        // argument of an explicitly implemented interface, for example) belong to the suffix.
        string suffix = name[(inner.Length + 3)..];
        switch (kind)
        {
            case 'b':
            {
                // b__<ordinal> or b__<closure>_<ordinal>
                string digits = suffix.StartsWith("__", StringComparison.Ordinal) ? suffix[2..] : suffix;
                int us = digits.LastIndexOf('_');
                string ordinal = us >= 0 ? digits[(us + 1)..] : digits;
                return owner + ".func" + ordinal;
            }
            case 'g':
            {
                string rest = suffix.StartsWith("__", StringComparison.Ordinal) ? suffix[2..] : suffix;
                int bar = rest.IndexOf('|');
                return owner + "." + (bar >= 0 ? rest[..bar] : rest);
            }
            case 'd':
                return owner;
            default:
                return name;
        }
    }

    /// <summary>Matches <c>&lt;inner&gt;X__...</c> where X is one generated-name letter.</summary>
    private static bool TryGeneratedName(string name, out string inner, out char kind)
    {
        inner = "";
        kind = '\0';
        if (name.Length < 4 || name[0] != '<') return false;
        int depth = 0;
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] == '<') depth++;
            else if (name[i] == '>' && --depth == 0)
            {
                if (i + 1 >= name.Length) return false;
                inner = name[1..i];
                kind = name[i + 1];
                return inner.Length > 0;
            }
        }
        return false;
    }

    private static List<string> SplitNested(string type)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < type.Length; i++)
        {
            char c = type[i];
            if (c == '<' || c == '[') depth++;
            else if (c == '>' || c == ']') depth--;
            else if (c == '+' && depth == 0)
            {
                parts.Add(type[start..i]);
                start = i + 1;
            }
        }
        parts.Add(type[start..]);
        return parts;
    }

    private static int IndexOfTopLevel(string s, char c)
    {
        int depth = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '[') depth++;
            else if (s[i] == ']') depth--;
            else if (s[i] == c && depth == 0) return i;
        }
        return -1;
    }

    private static int LastTopLevelDot(string s)
    {
        int depth = 0;
        for (int i = s.Length - 1; i >= 0; i--)
        {
            char c = s[i];
            if (c == '>' || c == ']') depth++;
            else if (c == '<' || c == '[') depth--;
            else if (c == '.' && depth == 0) return i;
        }
        return -1;
    }
}
