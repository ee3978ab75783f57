using Microsoft.AspNetCore.Builder;

namespace Pprof.AspNetCore.Internal;

/// <summary>Applies every convention to several endpoint builders (the pprof route group and the vars endpoint beside
/// it), so that <c>MapPprof(...).RequireAuthorization()</c> covers all of them.</summary>
internal sealed class CompositeConventionBuilder : IEndpointConventionBuilder
{
    private readonly IEndpointConventionBuilder[] _builders;

    public CompositeConventionBuilder(params IEndpointConventionBuilder[] builders) => _builders = builders;

    public void Add(Action<EndpointBuilder> convention)
    {
        foreach (var b in _builders) b.Add(convention);
    }

    public void Finally(Action<EndpointBuilder> finallyConvention)
    {
        foreach (var b in _builders) b.Finally(finallyConvention);
    }
}
