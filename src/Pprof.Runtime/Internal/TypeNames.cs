using System.Text;

namespace Pprof.Runtime.Internal;

/// <summary>The one spelling of .NET type names in every profile (allocs, heap, exceptions, goroutine, frame names):
/// namespaces kept, nested types joined with '.', generic arity removed, generic arguments in angle brackets separated
/// by ',' without a space, and C# keywords for the primitive types, also as array elements:
/// <c>System.Collections.Generic.Dictionary&lt;string,System.Collections.Generic.List&lt;int&gt;&gt;</c>, <c>byte[]</c>.
/// It reads each spelling the runtime uses: reflection and event names (<c>List`1[System.Int32]</c>, with or without
/// assembly-qualified arguments <c>[[System.Int32, System.Private.CoreLib, ...]]</c>), ClrMD names
/// (<c>List&lt;System.Int32&gt;</c>, arguments separated by ", ") and metadata signatures. One pass, no recursion.</summary>
internal static class TypeNames
{
    /// <summary>Formats a type name; <c>[unknown type]</c> when there is none.</summary>
    public static string Format(string? runtimeName) =>
        string.IsNullOrEmpty(runtimeName) ? "[unknown type]" : Format(runtimeName, keepOuterNesting: false);

    /// <summary>Formats <paramref name="name"/>; with <paramref name="keepOuterNesting"/> the '+' of nested types outside
    /// generic arguments stays (method names, whose compiler-generated nested types are named afterwards).</summary>
    internal static string Format(string name, bool keepOuterNesting)
    {
        if (name.AsSpan().IndexOfAny("`[<,+") < 0) return Alias(name) ?? name;
        var sb = new StringBuilder(name.Length);
        // What each open bracket is: 'g' generic arguments in [..], 'a' an assembly-qualified argument [..] inside them,
        // 'c' generic arguments in <..> (or a compiler-generated name).
        var open = new Stack<char>();
        int token = 0;
        void Delimit(string text)
        {
            if (Alias(sb.ToString(token, sb.Length - token)) is string alias)
            {
                sb.Length = token;
                sb.Append(alias);
            }
            sb.Append(text);
            token = sb.Length;
        }
        int i = 0;
        while (i < name.Length)
        {
            char c = name[i];
            switch (c)
            {
                case '`':
                    i++;
                    while (i < name.Length && char.IsAsciiDigit(name[i])) i++;
                    continue;
                case '[':
                {
                    int j = i + 1;
                    while (j < name.Length && (name[j] == ',' || name[j] == '*')) j++;
                    if (j < name.Length && name[j] == ']')
                    {
                        Delimit(name[i..(j + 1)]); // array rank: [] [,] [*]
                        i = j + 1;
                        continue;
                    }
                    if (open.TryPeek(out char top) && top == 'g' && token == sb.Length && sb.Length > 0 && sb[^1] is '<' or ',')
                    {
                        open.Push('a');
                        i++;
                        continue;
                    }
                    Delimit("<");
                    open.Push('g');
                    i++;
                    continue;
                }
                case ']':
                    if (open.TryPeek(out char closing) && closing == 'a')
                    {
                        Delimit("");
                        open.Pop();
                    }
                    else if (closing == 'g')
                    {
                        Delimit(">");
                        open.Pop();
                    }
                    else
                    {
                        Delimit("]");
                    }
                    i++;
                    continue;
                case '<':
                    Delimit("<");
                    open.Push('c');
                    i++;
                    continue;
                case '>':
                    Delimit(">");
                    if (open.TryPeek(out char angle) && angle == 'c') open.Pop();
                    i++;
                    continue;
                case ',':
                    if (open.TryPeek(out char list) && list == 'a')
                    {
                        // ", System.Private.CoreLib, Version=..., PublicKeyToken=...": up to the argument's ']'.
                        Delimit("");
                        while (i < name.Length && name[i] != ']') i++;
                        continue;
                    }
                    Delimit(",");
                    i++;
                    if (list is 'g' or 'c')
                    {
                        while (i < name.Length && name[i] == ' ') i++;
                    }
                    continue;
                case '+':
                    Delimit(keepOuterNesting && open.Count == 0 ? "+" : ".");
                    i++;
                    continue;
                case ' ' or '*' or '&':
                    Delimit(c.ToString());
                    i++;
                    continue;
                default:
                    sb.Append(c);
                    i++;
                    continue;
            }
        }
        Delimit("");
        return sb.ToString();
    }

    /// <summary>The C# keyword of a primitive type's full name, or null.</summary>
    private static string? Alias(string t) => t switch
    {
        "System.Int32" => "int", "System.Int64" => "long", "System.String" => "string", "System.Object" => "object",
        "System.Boolean" => "bool", "System.Byte" => "byte", "System.Double" => "double", "System.Single" => "float",
        "System.Char" => "char", "System.UInt32" => "uint", "System.UInt64" => "ulong", "System.Int16" => "short",
        "System.UInt16" => "ushort", "System.SByte" => "sbyte", "System.Decimal" => "decimal",
        "System.__Canon" => "__Canon",
        _ => null,
    };
}
