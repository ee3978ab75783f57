using Pprof.Profiles.Go;
using Pprof.Profiles;

namespace Pprof.Report;

/// <summary>Turns a profile's locations into graph node identities and nodes: one per line of each location
/// (innermost first), merged across locations by <see cref="NodeInfo"/>.</summary>
internal sealed class NodeBuilder
{
    private readonly Profile _profile;
    private readonly GraphOptions _options;
    private readonly Dictionary<NodeInfo, Node> _nodeMap = new();
    private readonly Nodes _nodes = new();
    private readonly Dictionary<NodeInfo, int> _infoIds = new();
    private readonly List<NodeInfo> _infos = new();
    private readonly Dictionary<string, string> _cleanFiles = new(StringComparer.Ordinal);

    public NodeBuilder(Profile profile, GraphOptions options)
    {
        _profile = profile;
        _options = options;
    }

    /// <summary>Creates the nodes of every location; returns all nodes (in creation order) and each location's nodes.</summary>
    public (Nodes Nodes, IdMap<Node?[]?> Locations) Build()
    {
        var table = IdMap<Node?[]?>.ForLocations(_profile.Locations);
        foreach (var l in _profile.Locations)
        {
            string objfile = l.Mapping is { File.Length: > 0 } m ? m.File : "";
            int count = Math.Max(1, l.Lines.Length);
            var nodes = new Node?[count];
            for (int i = 0; i < count; i++)
            {
                var info = MakeInfo(l, l.Lines.Length == 0 ? default : l.Lines[i], objfile);
                nodes[i] = FindOrInsertNode(info, _options.KeptNodes);
            }
            table.Set(l.Id, nodes);
        }
        return (_nodes, table);
    }

    /// <summary>Like <see cref="Build"/>, but each location maps to indexes into the returned nodes (-1 where
    /// <see cref="GraphOptions.KeptNodes"/> excludes the line).</summary>
    public (Nodes Nodes, IdMap<int[]?> Locations) BuildIndexes()
    {
        var (nodes, byLocation) = Build();
        var index = new Dictionary<Node, int>(nodes.Count, ReferenceEqualityComparer.Instance);
        for (int i = 0; i < nodes.Count; i++) index[nodes[i]] = i;
        var table = IdMap<int[]?>.ForLocations(_profile.Locations);
        foreach (var l in _profile.Locations)
        {
            var locNodes = byLocation.GetOrDefault(l.Id)!;
            var ids = new int[locNodes.Length];
            for (int i = 0; i < ids.Length; i++) ids[i] = locNodes[i] is { } n ? index[n] : -1;
            table.Set(l.Id, ids);
        }
        return (nodes, table);
    }

    /// <summary>Assigns an id to the identity of every location line; -1 where <see cref="GraphOptions.KeptNodes"/> excludes it.</summary>
    public IdMap<int[]?> BuildInfoIds()
    {
        var table = IdMap<int[]?>.ForLocations(_profile.Locations);
        var kept = _options.KeptNodes;
        foreach (var l in _profile.Locations)
        {
            string objfile = l.Mapping is { File.Length: > 0 } m ? m.File : "";
            int count = Math.Max(1, l.Lines.Length);
            var ids = new int[count];
            for (int i = 0; i < count; i++)
            {
                var info = MakeInfo(l, l.Lines.Length == 0 ? default : l.Lines[i], objfile);
                ids[i] = kept != null && !kept.Contains(info) ? -1 : IdOf(info);
            }
            table.Set(l.Id, ids);
        }
        return table;
    }

    public int IdOf(NodeInfo info)
    {
        if (!_infoIds.TryGetValue(info, out int id))
        {
            id = _infos.Count;
            _infos.Add(info);
            _infoIds[info] = id;
        }
        return id;
    }

    public NodeInfo InfoOf(int id) => _infos[id];

    private Node? FindOrInsertNode(NodeInfo info, NodeSet? kept)
    {
        if (kept != null && !kept.Contains(info)) return null;
        if (_nodeMap.TryGetValue(info, out var n)) return n;
        n = new Node { Info = info };
        _nodeMap[info] = n;
        _nodes.Add(n);
        if (info.Address != 0 || info.Lineno != 0)
        {
            info.Address = 0;
            info.Lineno = 0;
            n.Function = FindOrInsertNode(info, null)!;
        }
        return n;
    }

    private NodeInfo MakeInfo(Location l, Line line, string objfile)
    {
        var f = line.Function;
        if (f == null) return new NodeInfo { Address = l.Address, Objfile = objfile };
        var info = new NodeInfo { Address = l.Address, Lineno = line.LineNumber, Name = f.Name };
        if (f.Filename.Length != 0)
        {
            if (!_cleanFiles.TryGetValue(f.Filename, out var clean))
            {
                clean = GoPath.Clean(f.Filename);
                _cleanFiles[f.Filename] = clean;
            }
            info.File = clean;
        }
        if (_options.OrigFnNames) info.OrigName = f.SystemName;
        if (_options.ObjNames || (info.Name.Length == 0 && info.OrigName.Length == 0))
        {
            info.Objfile = objfile;
            info.StartLine = f.StartLine;
        }
        return info;
    }
}
