using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using HaKube.Model.Schema;

namespace HaKube.Model.Api;

public sealed record HostSpec
{
    [Description("Host name; also the Kubernetes node name. A DNS-1123 subdomain.")]
    [RegularExpression(ApiPatterns.Name)]
    [StringLength(253, MinimumLength = 1)]
    public required string Name { get; init; }

    [Description("IP address or DNS name HaKube connects to and that cluster components advertise.")]
    [RegularExpression(ApiPatterns.Address)]
    [StringLength(HaKube.Model.Values.HostAddress.MaxLength, MinimumLength = 1)]
    public required string Address { get; init; }

    [Description("What the host runs: ControlPlane, Worker, Etcd, LoadBalancer.")]
    public required IReadOnlyList<HostRole> Roles { get; init; }

    [Description("Pinned SSH host key, \"type base64\" as in known_hosts; overrides knownHostsFile.")]
    [RegularExpression(ApiPatterns.HostKey)]
    [StringLength(16384)]
    public string? HostKey { get; init; }

    [Description("Node labels HaKube keeps on the Kubernetes node.")]
    [RegularExpression(ApiPatterns.LabelValue)]
    [StringLength(63)]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}

public enum HostRole
{
    /// <summary>kube-apiserver, controller-manager, scheduler (and etcd when Stacked).</summary>
    ControlPlane,

    Worker,

    Etcd,

    /// <summary>HAProxy in front of the control planes.</summary>
    LoadBalancer,
}
