using HaKube.Actions.Kubeadm;
using HaKube.Actions.Pki;
using HaKube.Actions.Rendering;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// Every file HaKube keeps on each host, rendered from the spec and the cluster material: the node
/// files PrepareHost writes (kernel modules, sysctls, the package source), PKI files (control
/// planes: the shared CAs; external etcd members: their certificates), an external member's kubelet
/// and kubeadm configuration, haproxy.cfg, and the pod network manifest on the first control plane. One source for both the
/// steps that write files and the desired state the planner compares, so the two cannot disagree.
/// </summary>
public static class ManagedFiles
{
    /// <summary>The control plane kubeadm init runs on and the pod network is applied from: the first one in the spec.</summary>
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
            files.Add(new ManagedFile(HostPrerequisiteFiles.AptSourcePath, HostPrerequisiteFiles.AptSource(spec.Version().MinorTag), "0644", StepKind.PrepareHost));
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
            files.Add(new ManagedFile(CalicoManifestRenderer.ManifestPath, calico, "0644", StepKind.InstallPodNetwork));
        }

        return files;
    }

    /// <summary>Only the files a given step writes on a host.</summary>
    public static IReadOnlyList<ManagedFile> OwnedBy(HaCluster cluster, HostSpec host, ClusterMaterial material, StepKind owner) =>
        For(cluster, host, material).Where(f => f.Owner == owner).ToList();

    // A member's own certificates; etcd/ca.crt stays with whichever step writes the rest of the host's PKI.
    private static bool IsEtcdMemberFile(string path) =>
        path.StartsWith(PkiPaths.EtcdDirectory + "/", StringComparison.Ordinal) && path != PkiPaths.EtcdCaCertificate && path != PkiPaths.EtcdCaKey;
}
