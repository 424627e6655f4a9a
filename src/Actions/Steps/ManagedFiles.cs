using HaKube.Actions.Kubeadm;
using HaKube.Actions.Pki;
using HaKube.Actions.Rendering;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>One source for the steps that write files and the planner's desired state, so the two cannot disagree.</summary>
public static class ManagedFiles
{
    /// <summary>Where kubeadm init runs and the pod network is applied from.</summary>
    public static HostSpec FirstControlPlane(HaClusterSpec spec) =>
        spec.ControlPlanes() is [var first, ..] ? first : throw new ArgumentException("the cluster has no control plane", nameof(spec));

    public static IReadOnlyList<ManagedFile> For(HaCluster cluster, HostSpec host, ClusterMaterial material)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(material);
        var spec = cluster.Spec;
        var files = new List<ManagedFile>();
        var controlPlane = host.Roles.Contains(HostRole.ControlPlane);
        var externalMember = spec.Etcd.Topology == EtcdTopology.External && spec.Etcd.Hosts.Contains(host.Name);

        if (controlPlane || externalMember)
        {
            var owner = controlPlane ? StepKind.DistributeCertificateAuthorities : StepKind.ConfigureEtcdMember;
            files.AddRange(PkiLayout.FilesFor(spec, host, material.Authorities, material.ExternalEtcd)
                .Select(f => new ManagedFile(f.RemotePath, f.Content, f.OctalMode, IsEtcdMemberFile(f.RemotePath) ? StepKind.ConfigureEtcdMember : owner)));
        }

        var node = controlPlane || host.Roles.Contains(HostRole.Worker);
        if (node)
        {
            files.Add(new ManagedFile(HostPrerequisiteFiles.ModulesPath, HostPrerequisiteFiles.Modules, "0644", StepKind.PrepareHost));
            files.Add(new ManagedFile(HostPrerequisiteFiles.SysctlPath, HostPrerequisiteFiles.Sysctl, "0644", StepKind.PrepareHost));
        }

        if (node || externalMember)
        {
            files.AddRange(SourceFiles(spec, material.Referenced));
        }

        if (externalMember)
        {
            files.Add(new ManagedFile(KnownPaths.EtcdKubeletDropIn, EtcdMemberFiles.KubeletDropIn, "0644", StepKind.ConfigureEtcdMember));
            files.Add(new ManagedFile(KnownPaths.EtcdKubeletConfig, EtcdMemberFiles.KubeletConfig, "0644", StepKind.ConfigureEtcdMember));
            files.Add(new ManagedFile(KnownPaths.EtcdKubeadmConfig, KubeadmConfigRenderer.RenderEtcdMember(cluster, host), "0644", StepKind.ConfigureEtcdMember));
        }

        if (spec.LoadBalancer.Provider == LoadBalancerProvider.HAProxy && spec.LoadBalancer.Hosts.Contains(host.Name))
        {
            files.Add(new ManagedFile(HaproxyConfigRenderer.ConfigPath, HaproxyConfigRenderer.Render(spec, host), "0644", StepKind.ConfigureLoadBalancer));
        }

        if (controlPlane && host.Name == FirstControlPlane(spec).Name && CalicoManifestRenderer.Render(spec) is { } calico)
        {
            files.AddRange(CalicoManifestRenderer.LocalOperatorManifests(spec, material.Referenced).Select(f => new ManagedFile(f.Path, f.Content, "0644", StepKind.InstallPodNetwork)));
            files.Add(new ManagedFile(CalicoManifestRenderer.ManifestPath, calico, "0644", StepKind.InstallPodNetwork));
        }

        return files;
    }

    /// <summary>Where a prepared host gets packages and images: apt source and key, proxies, registry hosts.</summary>
    public static IReadOnlyList<ManagedFile> SourceFiles(HaClusterSpec spec, ReferencedContent referenced)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(referenced);
        var files = new List<ManagedFile>
        {
            new(HostPrerequisiteFiles.AptSourcePath, PackageSource.AptSource(spec, spec.Version().MinorTag), "0644", StepKind.PrepareHost),
        };
        if (spec.HasOwnPackageKey())
        {
            files.Add(new ManagedFile(KnownPaths.AptKeyringArmored,
                referenced.PackageKey ?? throw new ArgumentException("the package signing key was not loaded", nameof(referenced)), "0644", StepKind.PrepareHost));
        }

        if (ProxyRenderer.Apt(spec) is { } apt)
        {
            files.Add(new ManagedFile(ProxyRenderer.AptPath, apt, "0644", StepKind.PrepareHost));
        }

        if (ProxyRenderer.ContainerdDropIn(spec) is { } dropIn)
        {
            files.Add(new ManagedFile(ProxyRenderer.ContainerdDropInPath, dropIn, "0644", StepKind.PrepareHost));
        }

        files.AddRange(RegistryHostsRenderer.Files(spec, referenced).Select(f => new ManagedFile(f.Path, f.Content, "0644", StepKind.PrepareHost)));
        return files;
    }

    /// <summary>The spec-dependent paths of <see cref="SourceFiles"/>, from the spec alone so the probe needs no content.</summary>
    public static IReadOnlyList<string> SourcePaths(HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var paths = new List<string>();
        foreach (var mirror in spec.Images?.RegistryMirrors ?? [])
        {
            paths.Add(RegistryHostsRenderer.HostsTomlPath(mirror.Registry));
            if (mirror.CaFile is not null || mirror.CaSecretRef is not null)
            {
                paths.Add(RegistryHostsRenderer.CaPath(mirror.Registry));
            }
        }

        return paths;
    }

    public static IReadOnlyList<ManagedFile> OwnedBy(HaCluster cluster, HostSpec host, ClusterMaterial material, StepKind owner) =>
        For(cluster, host, material).Where(f => f.Owner == owner).ToList();

    // A member's own certificates; etcd/ca.crt stays with whichever step writes the rest of the host's PKI.
    private static bool IsEtcdMemberFile(string path) =>
        path.StartsWith(PkiPaths.EtcdDirectory + "/", StringComparison.Ordinal) && path != PkiPaths.EtcdCaCertificate && path != PkiPaths.EtcdCaKey;
}
