using HaKube.Model.Api;
using HaKube.Model.Validation;

namespace HaKube.Tests.Actions.Kubeadm;

/// <summary>
/// The DESIGN.md example cluster (hosts 10.0.0.x, endpoint api.demo.internal), in both etcd
/// topologies, parsed and validated like a user's manifest so the renderer only ever sees valid specs.
/// The addresses are text only: nothing connects to them.
/// </summary>
internal static class KubeadmTestClusters
{
    public const string Token = "abcdef.0123456789abcdef";

    public const string CaHash = "sha256:7c3a4b1f2e9d8c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b";

    /// <summary>The cluster with the given topology and version; cp1 is also a Worker when <paramref name="schedulableControlPlanes"/>.</summary>
    public static HaCluster Demo(EtcdTopology topology, string kubernetesVersion, bool schedulableControlPlanes = false)
    {
        var etcd = topology == EtcdTopology.External
            ? """
                etcd: {topology: External, hosts: [etcd1, etcd2, etcd3]}
              """
            : """
                etcd: {topology: Stacked}
              """;
        var etcdHosts = topology == EtcdTopology.External
            ? """
                - {name: etcd1, address: 10.0.0.11, roles: [Etcd]}
                - {name: etcd2, address: 10.0.0.12, roles: [Etcd]}
                - {name: etcd3, address: 10.0.0.13, roles: [Etcd]}
              """
            : "";
        var cp1Roles = schedulableControlPlanes ? "[ControlPlane, Worker]" : "[ControlPlane]";
        var yaml = $"""
            apiVersion: hakube.io/v1alpha1
            kind: HaCluster
            metadata:
              name: demo
            spec:
              kubernetesVersion: {kubernetesVersion}
              controlPlaneEndpoint: {"{"}host: api.demo.internal, port: 6443{"}"}
              loadBalancer: {"{"}provider: HAProxy, hosts: [lb1]{"}"}
            {etcd}
              networking: {"{"}podSubnet: 192.168.0.0/16, serviceSubnet: 10.96.0.0/12, cni: Calico{"}"}
              ssh:
                user: root
                privateKeyFile: keys/id_ed25519
                knownHostsFile: keys/known_hosts
              hosts:
              - name: cp1
                address: 10.0.0.7
                roles: {cp1Roles}
                labels: {"{"}zone: a{"}"}
              - {"{"}name: cp2, address: 10.0.0.8, roles: [ControlPlane]{"}"}
              - {"{"}name: cp3, address: 10.0.0.9, roles: [ControlPlane]{"}"}
            {etcdHosts}
              - name: w1
                address: 10.0.0.21
                roles: [Worker]
                labels:
                  disk: ssd
                  node-role.kubernetes.io/worker: ""
                  topology.kubernetes.io/zone: a
              - {"{"}name: w2, address: 10.0.0.22, roles: [Worker]{"}"}
              - {"{"}name: lb1, address: 10.0.0.5, roles: [LoadBalancer]{"}"}

            """;
        return Load(yaml);
    }

    public static HaCluster Load(string yaml)
    {
        var result = HaClusterValidator.ParseAndValidate(yaml, "demo.yaml", new ValidationOptions(ManifestMode.File, HaKube.Tests.Support.FakeReferencedFiles.All));
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("test cluster is invalid:\n" + string.Join('\n', result.Errors));
        }

        return result.Manifests.Single().Cluster;
    }

    public static HostSpec Host(HaCluster cluster, string name) => cluster.Spec.Hosts.Single(h => h.Name == name);
}
