using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using HaKube.Model.Schema;

namespace HaKube.Model.Api;

public sealed record LoadBalancerSpec
{
    [Description("External: a load balancer the user provides. HAProxy: HaKube configures HAProxy on the hosts listed.")]
    public LoadBalancerProvider Provider { get; init; } = LoadBalancerProvider.External;

    [Description("HAProxy only: names of hosts with role LoadBalancer.")]
    [RegularExpression(ApiPatterns.Name)]
    [StringLength(253, MinimumLength = 1)]
    public IReadOnlyList<string> Hosts { get; init; } = [];
}

public enum LoadBalancerProvider
{
    /// <summary>User-provided (cloud, hardware, or DNS).</summary>
    External,

    HAProxy,
}
