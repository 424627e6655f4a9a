using HaKube.Actions.Rendering;
using HaKube.Actions.Steps;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

/// <summary>
/// The files spec.images, spec.packages and spec.proxy put on prepared hosts are PrepareHost's
/// desired files: each one deleted or edited is drift, repaired by PrepareHost on that host alone;
/// containerd without the registry folder, a pause image outside the repository, and proxy files
/// the spec no longer names are drift too.
/// </summary>
public sealed class MirrorPlannerTests
{
    private static readonly ReferencedContent Content = new(
        new Dictionary<string, string>(StringComparer.Ordinal) { ["quay.io"] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" },
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBG\n-----END PGP PUBLIC KEY BLOCK-----\n");

    private static HaCluster Mirrored(bool proxy = true)
    {
        var cluster = Clusters.Spec();
        return cluster with
        {
            Spec = cluster.Spec with
            {
                Images = new ImagesSpec
                {
                    Repository = "registry.example.internal/k8s",
                    RegistryMirrors =
                    [
                        new RegistryMirror { Registry = "quay.io", Url = "https://registry.example.internal:5000", CaFile = "certs/ca.crt" },
                        new RegistryMirror { Registry = "docker.io", Url = "http://registry.example.internal:5001" },
                    ],
                },
                Packages = new PackagesSpec { Repository = "https://apt.example.internal/pkgs.k8s.io", KeyFile = "keys/release.asc" },
                Proxy = proxy ? new ProxySpec { HttpsProxy = "http://proxy.example.internal:3128" } : null,
            },
        };
    }

    /// <summary>Clusters.Desired plus the real source files of the spec on every node.</summary>
    private static DesiredState Desired(HaCluster cluster)
    {
        var files = new Dictionary<string, IReadOnlyList<DesiredFile>>(Clusters.Desired(cluster).Files);
        var sources = ManagedFiles.SourceFiles(cluster.Spec, Content).Where(f => f.Path != KnownPaths.AptSource).Select(f => f.ToDesired()).ToList();
        foreach (var node in cluster.Spec.Hosts.Where(h => h.Roles.Contains(HostRole.ControlPlane) || h.Roles.Contains(HostRole.Worker)))
        {
            files[node.Name] = [.. files[node.Name], .. sources];
        }

        return new DesiredState(files);
    }

    /// <summary>Every host converged for <paramref name="cluster"/>, its source files in place and containerd set for them.</summary>
    private static Dictionary<string, HostFacts> Converged(HaCluster cluster)
    {
        var desired = Desired(cluster);
        var facts = Clusters.ConvergedFacts(cluster);
        foreach (var host in facts.Keys.ToList())
        {
            var files = desired.FilesOf(host).Aggregate(facts[host].Files, (all, d) => all.With(d.Path, Clusters.Present(d.Sha256, d.Mode)));
            facts[host] = facts[host] with
            {
                Files = files,
                Containerd = facts[host].Containerd.ConfigPresent
                    ? new ContainerdFacts(true, true, HostRequirements.PauseImage(cluster.Spec)) { ConfigPath = RegistryHostsRenderer.ConfigPath }
                    : facts[host].Containerd,
            };
        }

        return facts;
    }

    private static Plan PlanOf(HaCluster cluster, Dictionary<string, HostFacts> facts) => Planner.Plan(cluster, facts, Desired(cluster));

    [Test]
    public void Plan_MirroredClusterConverged_IsEmpty()
    {
        var cluster = Mirrored();

        var plan = PlanOf(cluster, Converged(cluster));

        Assert.That(plan.Steps, Is.Empty, string.Join("\n", plan.Steps.Select(s => s.Reason)));
    }

    [TestCase("/etc/containerd/certs.d/quay.io/hosts.toml")]
    [TestCase("/etc/containerd/certs.d/quay.io/ca.crt")]
    [TestCase("/etc/containerd/certs.d/docker.io/hosts.toml")]
    [TestCase(KnownPaths.AptKeyringArmored)]
    [TestCase(KnownPaths.AptProxy)]
    [TestCase(KnownPaths.ContainerdProxyDropIn)]
    public void Plan_SourceFileDeletedOnAWorker_PreparesThatWorkerOnly(string path)
    {
        var cluster = Mirrored();
        var facts = Converged(cluster);
        facts["w2"] = facts["w2"] with { Files = facts["w2"].Files.With(path, null) };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Select(s => (s.Kind, string.Join(",", s.Hosts))), Is.EqualTo(new[] { (StepKind.PrepareHost, "w2") }));
        Assert.That(plan.Steps[0].Reason, Does.Contain(path));
    }

    [TestCase("/etc/containerd/certs.d/quay.io/hosts.toml")]
    [TestCase(KnownPaths.ContainerdProxyDropIn)]
    public void Plan_SourceFileEditedOnAControlPlane_PreparesIt(string path)
    {
        var cluster = Mirrored();
        var facts = Converged(cluster);
        facts["cp2"] = facts["cp2"] with { Files = facts["cp2"].Files.With(path, Clusters.Present(Clusters.Sha("edited"), "644")) };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Select(s => (s.Kind, string.Join(",", s.Hosts))), Is.EqualTo(new[] { (StepKind.PrepareHost, "cp2") }));
        Assert.That(plan.Steps[0].Reason, Does.Contain(path));
    }

    [Test]
    public void Plan_ContainerdWithoutTheRegistryFolder_PreparesNamingConfigPath()
    {
        var cluster = Mirrored();
        var facts = Converged(cluster);
        facts["w1"] = facts["w1"] with { Containerd = facts["w1"].Containerd with { ConfigPath = null } };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Single().Reason, Is.EqualTo("containerd's registry config_path is not set, the registry mirrors need /etc/containerd/certs.d"));
    }

    [Test]
    public void Plan_PauseImageFromThePublicRegistry_PreparesNamingTheRepositorysPause()
    {
        var cluster = Mirrored();
        var facts = Converged(cluster);
        facts["w1"] = facts["w1"] with { Containerd = facts["w1"].Containerd with { SandboxImage = "registry.k8s.io/pause:3.10" } };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Single().Reason, Is.EqualTo("containerd's pause image is registry.k8s.io/pause:3.10, kubeadm v1.31.4 expects registry.example.internal/k8s/pause:3.10"));
    }

    [Test]
    public void Plan_ProxyRemovedFromTheSpec_PreparesEveryNodeToRemoveItsFiles()
    {
        var facts = Converged(Mirrored(proxy: true));
        var cluster = Mirrored(proxy: false);

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Select(s => s.Kind).Distinct(), Is.EqualTo(new[] { StepKind.PrepareHost }));
        Assert.That(plan.Steps.SelectMany(s => s.Hosts), Is.EquivalentTo(new[] { "cp1", "cp2", "cp3", "w1", "w2" }));
        Assert.That(plan.Steps[0].Reason, Is.EqualTo($"{KnownPaths.AptProxy} is left from a removed spec.proxy; {KnownPaths.ContainerdProxyDropIn} is left from a removed spec.proxy"));
    }

    [Test]
    public void Plan_GivenKeyAndNoDownloadedKeyring_AsksNoDownload()
    {
        var cluster = Mirrored();
        var facts = Converged(cluster);
        facts["w1"] = facts["w1"] with { Files = facts["w1"].Files.With(KnownPaths.AptKeyring, null) };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps, Is.Empty);
    }
}
