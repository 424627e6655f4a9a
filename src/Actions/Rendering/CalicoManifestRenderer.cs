using HaKube.Model.Api;

namespace HaKube.Actions.Rendering;

/// <summary>
/// The pod network as HaKube installs it: Calico through the Tigera operator. The operator and its
/// CRDs come from the pinned Calico release; the Installation (with the spec's podSubnet as the
/// one IP pool, which Calico cannot change after install) and APIServer resources are rendered here
/// and kept on the first control plane, where the file doubles as the record of what was applied.
/// </summary>
public static class CalicoManifestRenderer
{
    public const string ManifestPath = HaKube.Model.Facts.KnownPaths.HaKubeConfig + "/calico.yaml";

    /// <summary>The Calico release HaKube installs; its operator manifests are fetched by kubectl on the control plane.</summary>
    public const string Version = "v3.30.3";

    /// <summary>Created (not applied: the CRD bundle is too large for client-side apply's annotation) before the resources.</summary>
    public static readonly IReadOnlyList<string> OperatorManifests =
    [
        $"https://raw.githubusercontent.com/projectcalico/calico/{Version}/manifests/operator-crds.yaml",
        $"https://raw.githubusercontent.com/projectcalico/calico/{Version}/manifests/tigera-operator.yaml",
    ];

    /// <summary>The custom resources for <paramref name="spec"/>; null when the spec installs no pod network.</summary>
    public static string? Render(HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Networking.Cni != CniPlugin.Calico)
        {
            return null;
        }

        var podSubnet = spec.Networking.PodSubnet
            ?? throw new ArgumentException("Calico needs spec.networking.podSubnet (validation requires it)", nameof(spec));
        var ipv6 = podSubnet.Contains(':', StringComparison.Ordinal);
        return $$"""
            # Calico {{Version}} for this cluster, written and applied by HaKube.
            apiVersion: operator.tigera.io/v1
            kind: Installation
            metadata:
              name: default
            spec:
              calicoNetwork:
                ipPools:
                - name: default-{{(ipv6 ? "ipv6" : "ipv4")}}-ippool
                  blockSize: {{(ipv6 ? 122 : 26)}}
                  cidr: {{podSubnet}}
                  encapsulation: VXLANCrossSubnet
                  natOutgoing: Enabled
                  nodeSelector: all()
            ---
            apiVersion: operator.tigera.io/v1
            kind: APIServer
            metadata:
              name: default
            spec: {}

            """;
    }
}
