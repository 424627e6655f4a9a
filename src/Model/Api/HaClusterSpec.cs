using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using HaKube.Model.Schema;

namespace HaKube.Model.Api;

public sealed record HaClusterSpec
{
    /// <summary>
    /// A drain unfinished after a day waits on something no timeout fixes (a PodDisruptionBudget that
    /// never allows it), and holds the cluster's reconcile for as long.
    /// </summary>
    public static readonly TimeSpan MaximumDrainTimeout = TimeSpan.FromHours(24);

    [Description("Kubernetes version, vMAJOR.MINOR.PATCH, v1.30 or newer (v1.31+ gets kubeadm v1beta4 configuration, v1.30 v1beta3).")]
    [RegularExpression(ApiPatterns.Version)]
    [StringLength(20)]
    public required string KubernetesVersion { get; init; }

    [Description("The load-balanced address every kubeconfig and join uses.")]
    public required ControlPlaneEndpoint ControlPlaneEndpoint { get; init; }

    [Description("Who balances the control-plane endpoint. Defaults to External.")]
    public LoadBalancerSpec LoadBalancer { get; init; } = new();

    [Description("Where etcd runs. Defaults to Stacked.")]
    public EtcdSpec Etcd { get; init; } = new();

    [Description("Pod and service networks and the pod network plugin.")]
    public NetworkingSpec Networking { get; init; } = new();

    [Description("Where the container runtime pulls images from: kubeadm's imageRepository and registry mirrors. Defaults to the public registries.")]
    public ImagesSpec? Images { get; init; }

    [Description("Where the Kubernetes packages come from: an apt mirror of pkgs.k8s.io and its signing key. Defaults to pkgs.k8s.io.")]
    public PackagesSpec? Packages { get; init; }

    [Description("HTTP(S) proxy for apt and containerd on every host HaKube prepares. None by default.")]
    public ProxySpec? Proxy { get; init; }

    [Description("How HaKube reaches every host.")]
    public required SshSpec Ssh { get; init; }

    [Description("true: observe and report, change nothing.")]
    public bool Paused { get; init; }

    [Description("Opt in to fewer than three control planes (no control-plane high availability), for development clusters.")]
    public bool AllowNonHighlyAvailable { get; init; }

    [Description("Days before a certificate's notAfter from which HaKube reports it as expiring (condition CertificatesValid). Defaults to 30. " +
        "Within it HaKube renews: kubeadm certs renew all and a static-pod restart on control planes one at a time, and reissues the external-etcd certificates it issued.")]
    [Range(1, 300)]
    public int CertificateRenewalDays { get; init; } = 30;

    [Description("How long kubectl drain may take on a node that leaves the spec or is upgraded, as a duration: 90s, 2m, 1h30m (units s, m, h, d; more than 0, at most 24h). " +
        "At the timeout a leaving node's removal goes on (as Cluster API's nodeDrainTimeout), while an upgrade stops and is retried on the next pass. Defaults to 2m.")]
    [RegularExpression(ApiPatterns.DurationText)]
    [StringLength(Duration.MaxLength, MinimumLength = Duration.MinLength)]
    public string DrainTimeout { get; init; } = "2m";

    [Description("The machines of the cluster and their roles.")]
    public required IReadOnlyList<HostSpec> Hosts { get; init; }
}
