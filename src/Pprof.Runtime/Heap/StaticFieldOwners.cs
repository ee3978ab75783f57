using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Pprof.Runtime.Heap;

/// <summary>Finds which types declare static fields of given names, by reading the metadata of the managed
/// assemblies a process has mapped (from /proc/PID/maps). The heap snapshot names a static root's field but not its
/// declaring type; this fills that in. Results per assembly file are cached.</summary>
internal static class StaticFieldOwners
{
    private static readonly ConcurrentDictionary<string, Dictionary<string, List<(string Owner, string FieldType)>>> s_cache = new(StringComparer.Ordinal);

    public static Dictionary<string, List<(string Owner, string FieldType)>> Find(int pid, HashSet<string> fieldNames)
    {
        var result = new Dictionary<string, List<(string, string)>>(StringComparer.Ordinal);
        if (fieldNames.Count == 0) return result;
        foreach (string module in ManagedModules(pid))
        {
            var statics = s_cache.GetOrAdd(module, Read);
            foreach (string name in fieldNames)
            {
                if (!statics.TryGetValue(name, out var list)) continue;
                if (!result.TryGetValue(name, out var acc)) result[name] = acc = new List<(string, string)>();
                acc.AddRange(list);
            }
        }
        return result;
    }

    private static readonly ConcurrentDictionary<string, Dictionary<(int, string), string>> s_nested = new(StringComparer.Ordinal);

    /// <summary>Full names (<c>Ns.Outer+Inner</c>, arity suffixes kept) of types given by TypeDef token and simple
    /// name; a pair found in several assemblies with different full names is left out.</summary>
    public static Dictionary<(int Token, string Simple), string> FindTypes(int pid, IEnumerable<(int Token, string Simple)> wanted)
    {
        var want = wanted.ToHashSet();
        var result = new Dictionary<(int, string), string>();
        var ambiguous = new HashSet<(int, string)>();
        if (want.Count == 0) return result;
        foreach (string module in ManagedModules(pid))
        {
            var names = s_nested.GetOrAdd(module, ReadNested);
            foreach (var key in want)
            {
                if (!names.TryGetValue(key, out string? full)) continue;
                if (result.TryGetValue(key, out string? other) && other != full) ambiguous.Add(key);
                else result[key] = full;
            }
        }
        foreach (var key in ambiguous) result.Remove(key);
        return result;
    }

    /// <summary>Nested and namespace-less types of one assembly: (token, simple name without arity) → full name.</summary>
    private static Dictionary<(int, string), string> ReadNested(string path)
    {
        var map = new Dictionary<(int, string), string>();
        try
        {
            using var pe = new PEReader(File.OpenRead(path));
            if (!pe.HasMetadata) return map;
            var md = pe.GetMetadataReader();
            foreach (var th in md.TypeDefinitions)
            {
                var td = md.GetTypeDefinition(th);
                if (td.GetDeclaringType().IsNil && !td.Namespace.IsNil && md.GetString(td.Namespace).Length > 0) continue;
                string simple = md.GetString(td.Name);
                int tick = simple.IndexOf('`');
                if (tick > 0) simple = simple[..tick];
                map[(System.Reflection.Metadata.Ecma335.MetadataTokens.GetToken(th), simple)] = NameProvider.FullName(md, th);
            }
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException or InvalidOperationException)
        {
        }
        return map;
    }

    private static IEnumerable<string> ManagedModules(int pid)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string[] lines;
        try { lines = File.ReadAllLines($"/proc/{pid}/maps"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
        foreach (string line in lines)
        {
            int slash = line.IndexOf('/');
            if (slash < 0) continue;
            string path = line[slash..].Trim();
            if (!path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || !seen.Add(path)) continue;
            yield return path;
        }
    }

    /// <summary>Static fields of one assembly: name → (declaring type, field type), both formatted like heap type names.</summary>
    private static Dictionary<string, List<(string Owner, string FieldType)>> Read(string path)
    {
        var map = new Dictionary<string, List<(string, string)>>(StringComparer.Ordinal);
        try
        {
            using var pe = new PEReader(File.OpenRead(path));
            if (!pe.HasMetadata) return map;
            var md = pe.GetMetadataReader();
            var provider = new NameProvider(md);
            foreach (var th in md.TypeDefinitions)
            {
                var td = md.GetTypeDefinition(th);
                string? owner = null;
                foreach (var fh in td.GetFields())
                {
                    var fd = md.GetFieldDefinition(fh);
                    if ((fd.Attributes & FieldAttributes.Static) == 0 || (fd.Attributes & FieldAttributes.Literal) != 0) continue;
                    owner ??= Internal.TypeNames.Format(NameProvider.FullName(md, th));
                    string fieldType;
                    try { fieldType = Internal.TypeNames.Format(fd.DecodeSignature(provider, null)); }
                    catch (BadImageFormatException) { fieldType = ""; }
                    string name = md.GetString(fd.Name);
                    if (!map.TryGetValue(name, out var list)) map[name] = list = new List<(string, string)>();
                    list.Add((owner, fieldType));
                }
            }
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException or InvalidOperationException)
        {
        }
        return map;
    }

    /// <summary>Type names in the runtime's form (<c>Ns.Outer+Inner</c>, <c>List`1[T]</c>), enough to compare a
    /// field's declared type with an object's type.</summary>
    private sealed class NameProvider : ISignatureTypeProvider<string, object?>
    {
        private readonly MetadataReader _md;

        public NameProvider(MetadataReader md) => _md = md;

        public static string FullName(MetadataReader md, TypeDefinitionHandle h)
        {
            var td = md.GetTypeDefinition(h);
            string name = md.GetString(td.Name);
            var declaring = td.GetDeclaringType();
            if (!declaring.IsNil) return FullName(md, declaring) + "+" + name;
            string ns = md.GetString(td.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => FullName(reader, handle);

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var tr = reader.GetTypeReference(handle);
            string name = reader.GetString(tr.Name);
            if (tr.ResolutionScope.Kind == HandleKind.TypeReference)
                return GetTypeFromReference(reader, (TypeReferenceHandle)tr.ResolutionScope, rawTypeKind) + "+" + name;
            string ns = reader.GetString(tr.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
            => reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + new string(',', Math.Max(0, shape.Rank - 1)) + "]";
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPinnedType(string elementType) => elementType;
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType + "[" + string.Join(",", typeArguments) + "]";
        public string GetGenericTypeParameter(object? genericContext, int index) => "T" + index;
        public string GetGenericMethodParameter(object? genericContext, int index) => "M" + index;
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "System." + typeCode;
        public string GetTypeFromSerializedName(string name) => name;
        public PrimitiveTypeCode GetUnderlyingEnumType(string type) => PrimitiveTypeCode.Int32;
        public bool IsSystemType(string type) => type == "System.Type";
    }
}
