using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using HaKube.Model.Schema;

namespace HaKube.Model.Api;

public sealed record NetworkingSpec
{
    [Description("Pod network CIDR (kubeadm networking.podSubnet). Required unless cni is None.")]
    [RegularExpression(ApiPatterns.Cidr)]
    [StringLength(49)]
    [Format("cidr")]
    public string? PodSubnet { get; init; }

    [Description("Service network CIDR. Defaults to 10.96.0.0/12.")]
    [RegularExpression(ApiPatterns.Cidr)]
    [StringLength(49)]
    [Format("cidr")]
    public string ServiceSubnet { get; init; } = "10.96.0.0/12";

    [Description("Cluster DNS domain. Defaults to cluster.local.")]
    [RegularExpression(ApiPatterns.Name)]
    [StringLength(253, MinimumLength = 1)]
    public string DnsDomain { get; init; } = "cluster.local";

    [Description("Pod network plugin HaKube installs: Calico or None. Defaults to Calico.")]
    public CniPlugin Cni { get; init; } = CniPlugin.Calico;

    [Description("With cni: Calico, where its Tigera operator manifests come from (see calico.operatorManifests). Refused with cni: None.")]
    public CalicoSpec? Calico { get; init; }
}

public enum CniPlugin
{
    /// <summary>Calico through the Tigera operator, its IP pool set to the podSubnet.</summary>
    Calico,

    /// <summary>No plugin: the user installs one.</summary>
    None,
}
