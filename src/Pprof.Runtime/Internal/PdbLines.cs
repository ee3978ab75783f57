using System.Collections.Concurrent;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Pprof.Runtime.Internal;

/// <summary>Source positions from portable PDBs (next to the assembly or embedded in it), looked up by method token
/// and IL offset. Readers are cached per module; modules without a PDB answer nothing.</summary>
internal static class PdbLines
{
    private static readonly ConcurrentDictionary<string, ModulePdb?> s_modules = new(StringComparer.Ordinal);

    /// <summary>Returns the method's source file and first line, and the line of <paramref name="ilOffset"/> (or the
    /// first line when the offset is unknown). False when there is no PDB or the method has no sequence points.</summary>
    public static bool TryGet(string modulePath, int methodToken, int ilOffset, out string file, out long startLine, out long line)
    {
        file = "";
        startLine = line = 0;
        if (string.IsNullOrEmpty(modulePath) || (methodToken >> 24) != 0x06) return false;
        var pdb = s_modules.GetOrAdd(modulePath, Open);
        return pdb != null && pdb.TryGet(methodToken, ilOffset, out file, out startLine, out line);
    }

    private static ModulePdb? Open(string modulePath)
    {
        try
        {
            if (!File.Exists(modulePath)) return null;
            string pdbPath = Path.ChangeExtension(modulePath, ".pdb");
            if (File.Exists(pdbPath))
            {
                var stream = File.OpenRead(pdbPath);
                var header = new byte[4];
                if (stream.Read(header, 0, 4) == 4 && header[0] == (byte)'B' && header[1] == (byte)'S' && header[2] == (byte)'J' && header[3] == (byte)'B')
                {
                    stream.Position = 0;
                    return new ModulePdb(MetadataReaderProvider.FromPortablePdbStream(stream));
                }
                stream.Dispose();
            }
            using var pe = new PEReader(File.OpenRead(modulePath));
            foreach (var entry in pe.ReadDebugDirectory())
            {
                if (entry.Type == DebugDirectoryEntryType.EmbeddedPortablePdb)
                    return new ModulePdb(pe.ReadEmbeddedPortablePdbDebugDirectoryData(entry));
            }
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException or InvalidOperationException)
        {
        }
        return null;
    }

    private sealed class ModulePdb
    {
        private readonly MetadataReaderProvider _provider;
        private readonly MetadataReader _reader;
        private readonly object _lock = new();

        public ModulePdb(MetadataReaderProvider provider)
        {
            _provider = provider;
            _reader = provider.GetMetadataReader();
        }

        public bool TryGet(int token, int ilOffset, out string file, out long startLine, out long line)
        {
            file = "";
            startLine = line = 0;
            lock (_lock)
            {
                try
                {
                    var handle = MetadataTokens.MethodDefinitionHandle(token & 0xFFFFFF);
                    if (MetadataTokens.GetRowNumber(handle) > _reader.MethodDebugInformation.Count) return false;
                    var info = _reader.GetMethodDebugInformation(handle);
                    bool found = false;
                    foreach (var sp in info.GetSequencePoints())
                    {
                        if (sp.IsHidden) continue;
                        if (!found)
                        {
                            found = true;
                            file = _reader.GetString(_reader.GetDocument(sp.Document).Name);
                            startLine = sp.StartLine;
                            line = sp.StartLine;
                            if (ilOffset < 0) break;
                        }
                        if (sp.Offset <= ilOffset) line = sp.StartLine;
                        else break;
                    }
                    return found;
                }
                catch (BadImageFormatException)
                {
                    return false;
                }
            }
        }
    }
}
