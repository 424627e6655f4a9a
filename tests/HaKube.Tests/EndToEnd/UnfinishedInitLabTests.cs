using System.Runtime.Versioning;
using System.Text.Json;
using HaKube.Model.Facts;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// kubeadm init cut off half-way on the control plane of a one-control-plane, one-worker cluster
/// (the kubeadm stand-in's lab-only fault: it stops before upload-config, with the API server, etcd
/// and kubelet.conf's embedded pair left running and written). The apply fails naming init; the next
/// plan does not count the host as initialized but resets it before init runs again; once the fault
/// is gone one apply converges and the plan is empty. The tests run in order on one lab.
/// </summary>
[TestFixture]
[Category("Lab")]
[Order(14)]
[SupportedOSPlatform("linux")]
public sealed class UnfinishedInitLabTests() : LabClusterFixture(3, new LabOptions("hkui", "127.0.94"), ClusterManifest)
{
    private const string Fault = "/var/lib/hakube-standins/kubeadm-init-stops-at";

    private LabHost First => Lab.Hosts[0];

    private static string ClusterManifest(IReadOnlyList<LabHost> h) => $$"""
        apiVersion: hakube.io/v1alpha1
        kind: HaCluster
        metadata: {name: e2e-unfinished-init}
        spec:
          kubernetesVersion: v1.31.4
          controlPlaneEndpoint: {host: "{{h[2].Address}}", port: 6443}
          loadBalancer: {provider: HAProxy, hosts: [{{h[2].Name}}]}
          etcd: {topology: Stacked}
          allowNonHighlyAvailable: true
          networking: {podSubnet: 192.168.0.0/16, cni: Calico}
          ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
          hosts:
          - {name: {{h[0].Name}}, address: "{{h[0].Address}}", roles: [ControlPlane]}
          - {name: {{h[1].Name}}, address: "{{h[1].Address}}", roles: [Worker]}
          - {name: {{h[2].Name}}, address: "{{h[2].Address}}", roles: [LoadBalancer]}

        """;

    [Test, Order(1)]
    public async Task Apply_InitCutOffBeforeUploadConfig_FailsNamingInit()
    {
        (await Lab.ShellAsync(First, $"mkdir -p {Path.GetDirectoryName(Fault)} && echo upload-config > {Fault}")).EnsureSuccess("set the init fault");

        var (exit, output, error) = await LabCluster.RunAsync("apply", "-f", Cluster.Manifest, "--yes", "--state-dir", Cluster.StateDir);
        var files = await Lab.ShellAsync(First, $"ls {KnownPaths.AdminConf} {KnownPaths.KubeletConf} && grep -c client-certificate-data {KnownPaths.KubeletConf}");

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1), output + error);
            Assert.That(error, Does.Contain("InitControlPlane").And.Contain("upload-config"));
            Assert.That(files.Succeeded, Is.True, "init wrote admin.conf and kubelet.conf with its embedded pair: " + files.StandardError);
        });
    }

    [Test, Order(2)]
    public async Task Plan_AfterTheCutOff_ResetsTheHostBeforeInit()
    {
        var (exit, output, error) = await LabCluster.RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir, "-o", "json");
        await TestContext.Out.WriteLineAsync(output);

        using var plan = JsonDocument.Parse(output);
        var steps = plan.RootElement.GetProperty("steps").EnumerateArray()
            .Select(s => (Kind: s.GetProperty("kind").GetString(), Hosts: s.GetProperty("hosts").EnumerateArray().Select(h => h.GetString()).ToList()))
            .ToList();
        var kinds = steps.Select(s => s.Kind).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2), "a plan with steps: " + error);
            Assert.That(steps.Where(s => s.Kind == "ResetUnfinishedInit").SelectMany(s => s.Hosts), Is.EqualTo(new[] { First.Name }), "the unfinished init is reset");
            Assert.That(kinds.IndexOf("InitControlPlane"), Is.GreaterThan(kinds.IndexOf("ResetUnfinishedInit")), "init runs again after the reset");
            Assert.That(kinds, Does.Not.Contain("UseRotatingKubeletCertificate"), "an unfinished init is not finished by hand");
            Assert.That(kinds.IndexOf("JoinWorker"), Is.GreaterThan(kinds.IndexOf("InitControlPlane")), "the worker joins the new init's cluster");
        });
    }

    [Test, Order(3)]
    public async Task Apply_FaultGone_ResetsInitializesJoinsTheWorkerAndPlanIsEmpty()
    {
        (await Lab.ShellAsync(First, $"rm -f {Fault}")).EnsureSuccess("clear the init fault");

        var (exit, output, error) = await LabCluster.RunAsync("apply", "-f", Cluster.Manifest, "--yes", "--state-dir", Cluster.StateDir);
        var (planExit, plan, planError) = await LabCluster.RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);
        var finalized = await Lab.ShellAsync(First, $"! grep -q client-certificate-data {KnownPaths.KubeletConf}");

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output + error);
            Assert.That(output, Does.Contain("ResetUnfinishedInit").And.Contain("InitControlPlane").And.Contain("JoinWorker"));
            Assert.That(planExit, Is.Zero, plan + planError);
            Assert.That(finalized.Succeeded, Is.True, "kubelet-finalize ran this time");
        });
    }
}
