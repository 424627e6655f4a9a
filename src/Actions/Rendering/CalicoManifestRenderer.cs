using System.Globalization;
using HaKube.Actions.Kubeadm;
using HaKube.Model.Api;

namespace HaKube.Actions.Rendering;

/// <summary>
/// Calico through the Tigera operator; the podSubnet is its one IP pool, which Calico cannot change
/// after install. The rendered file doubles as the record of what was applied.
/// </summary>
internal static class CalicoManifestRenderer
{
    public const string ManifestPath = HaKube.Model.Facts.KnownPaths.HaKubeConfig + "/calico.yaml";

    /// <summary>Installed, unpinned, when the spec gives no operator manifests.</summary>
    public const string Version = "v3.30.3";

    /// <summary>Created, not applied: the CRD bundle is too large for client-side apply's annotation.</summary>
    public static readonly IReadOnlyList<string> OperatorManifests =
    [
        $"https://raw.githubusercontent.com/projectcalico/calico/{Version}/manifests/operator-crds.yaml",
        $"https://raw.githubusercontent.com/projectcalico/calico/{Version}/manifests/tigera-operator.yaml",
    ];

    /// <summary>A *.yaml on the first control plane, so the probe hashes it.</summary>
    public static string OperatorManifestPath(int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{HaKube.Model.Facts.KnownPaths.HaKubeConfig}/calico-operator-{index}.yaml");

    /// <summary>In the spec's order; empty when it names none (kubectl then fetches <see cref="OperatorManifests"/>).</summary>
    public static IReadOnlyList<(string Path, string Content)> LocalOperatorManifests(HaClusterSpec spec, ReferencedContent referenced)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(referenced);
        var count = spec.Networking.Cni == CniPlugin.Calico ? spec.Networking.Calico?.OperatorManifests.Count ?? 0 : 0;
        if (count != 0 && referenced.CalicoOperatorManifests.Count != count)
        {
            throw new ArgumentException($"the {count} Calico operator manifest(s) of the spec were not loaded", nameof(referenced));
        }

        return [.. referenced.CalicoOperatorManifests.Take(count).Select((content, i) => (OperatorManifestPath(i), content))];
    }

    /// <summary>Null when the spec installs no pod network.</summary>
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
        // Written by the YAML emitter, which quotes every value: the podSubnet reaches kubectl apply as
        // cluster-admin, so it must stay one scalar whatever it holds (validation also keeps it a canonical CIDR).
        var installation = Yaml.Map(
            ("apiVersion", Yaml.Str("operator.tigera.io/v1")),
            ("kind", Yaml.Str("Installation")),
            ("metadata", Yaml.Map(("name", Yaml.Str("default")))),
            ("spec", Yaml.Map(
                ("calicoNetwork", Yaml.Map(
                    ("ipPools", Yaml.Seq([
                        Yaml.Map(
                            ("name", Yaml.Str($"default-{(ipv6 ? "ipv6" : "ipv4")}-ippool")),
                            ("blockSize", Yaml.Int(ipv6 ? 122 : 26)),
                            ("cidr", Yaml.Str(podSubnet)),
                            ("encapsulation", Yaml.Str("VXLANCrossSubnet")),
                            ("natOutgoing", Yaml.Str("Enabled")),
                            ("nodeSelector", Yaml.Str("all()"))),
                    ])))))));
        var apiServer = Yaml.Map(
            ("apiVersion", Yaml.Str("operator.tigera.io/v1")),
            ("kind", Yaml.Str("APIServer")),
            ("metadata", Yaml.Map(("name", Yaml.Str("default")))),
            ("spec", Yaml.Map()));
        return YamlWriter.WriteDocuments([$"Calico {Version} for this cluster, written and applied by HaKube."], [installation, apiServer]);
    }
}
