using Pprof.Runtime.Internal;

namespace Pprof.Runtime.Heap;

/// <summary>Readable, stable type names for heap profiles: generic arity removed, generic arguments in angle brackets,
/// nested types joined with '.', as in the frame names of the other profiles.</summary>
internal static class TypeNaming
{
    public static string Format(string runtimeName)
    {
        if (string.IsNullOrEmpty(runtimeName)) return "[unknown type]";
        string s = FrameNames.FormatGenerics(runtimeName).Replace('+', '.');
        return s.IndexOf('<') >= 0 ? s_primitive.Replace(s, m => Alias(m.Value)) : s;
    }

    // Type arguments already in angle brackets (ClrMD's form) get the same aliases as bracketed ones.
    private static readonly System.Text.RegularExpressions.Regex s_primitive = new(
        @"(?<=[<,])System\.(Int32|Int64|String|Object|Boolean|Byte|Double|Single|Char|UInt32|UInt64|Int16)(?=[>,\[])",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static string Alias(string t) => t switch
    {
        "System.Int32" => "int", "System.Int64" => "long", "System.String" => "string", "System.Object" => "object",
        "System.Boolean" => "bool", "System.Byte" => "byte", "System.Double" => "double", "System.Single" => "float",
        "System.Char" => "char", "System.UInt32" => "uint", "System.UInt64" => "ulong", "System.Int16" => "short",
        _ => t,
    };
}
