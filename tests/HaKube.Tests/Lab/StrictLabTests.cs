using System.Runtime.Versioning;

namespace HaKube.Tests.Lab;

/// <summary>
/// The strict lab (FIDELITY.md): a fresh host has only what its own packages installed, Debian's
/// maintainer scripts run, and kubeadm's ExternalEtcdVersion preflight reads the member's /version.
/// Everything is observed over SSH, as HaKube sees a host.
/// </summary>
[TestFixture]
[Category("Lab")]
[SupportedOSPlatform("linux")]
public sealed class StrictLabTests() : LabHostsFixture(3, new LabOptions("labs", "127.0.170", Strictness: LabStrictness.Strict))
{
    private static readonly string[] DebianCommands = ["etcd", "etcdctl", "haproxy", "conntrack", "socat", "crictl", "kubectl"];

    private static CancellationToken Token => TestContext.CurrentContext.CancellationToken;

    [Test]
    public async Task FreshHost_OverSsh_HasNoEtcdEtcdctlHaproxyNorOtherPackagesCommandsOnItsPath()
    {
        var host = Lab.Hosts[0];

        var found = await CommandsOnPathAsync(host, DebianCommands);
        var basics = await CommandsOnPathAsync(host, ["ip", "mount", "nsenter", "python3"]);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.Empty, "commands a fresh Debian 12 host does not have");
            Assert.That(basics, Is.EquivalentTo(new[] { "ip", "mount", "nsenter", "python3" }));
        });
    }

    [Test]
    public async Task AptInstallEtcdServer_OnOneHost_StartsDebiansDefaultMemberThereOnly_AndKeepsItAcrossPowerCycle()
    {
        var (installer, other) = (Lab.Hosts[1], Lab.Hosts[0]);

        var install = await Lab.SshAsync(installer, "apt-get install -y etcd-server etcd-client", cancellationToken: Token);
        var member = await WaitForAsync(installer, VersionOf(installer));
        var state = await Lab.SshAsync(installer, "systemctl is-active etcd; systemctl is-enabled etcd; ls /var/lib/etcd/default", cancellationToken: Token);
        var onOther = await CommandsOnPathAsync(other, ["etcd", "etcdctl"]);
        await Lab.PowerOffAsync(installer, Token);
        await Lab.PowerOnAsync(installer, Token);
        var afterPowerOn = await CommandsOnPathAsync(installer, ["etcd", "etcdctl", "haproxy"]);
        var memberAfter = await WaitForAsync(installer, VersionOf(installer));

        Assert.Multiple(() =>
        {
            Assert.That(install.ExitCode, Is.Zero, install.StandardError);
            Assert.That(member, Does.Contain("\"etcdserver\":\"3.4.23\""));
            Assert.That(state.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "active", "enabled", "member" }));
            Assert.That(onOther, Is.Empty);
            Assert.That(afterPowerOn, Is.EqualTo(new[] { "etcd", "etcdctl" }));
            Assert.That(memberAfter, Does.Contain("\"etcdserver\":\"3.4.23\""));
        });
    }

    [Test]
    public async Task KubeadmInit_AgainstDebian12sEtcd34Member_IsRefusedWithKubeadmsExternalEtcdVersionMessage()
    {
        var (member, controlPlane) = (Lab.Hosts[2], Lab.Hosts[1]);
        var setUp = await Lab.SshAsync(member, "apt-get install -y etcd-server", cancellationToken: Token);
        _ = await WaitForAsync(member, VersionOf(member));
        var packages = await Lab.SshAsync(
            controlPlane,
            "echo 'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.31/deb/ /' > /etc/apt/sources.list.d/kubernetes.list"
            + " && apt-get update -q && apt-get install -y containerd kubelet=1.31.4-1.1 kubeadm=1.31.4-1.1",
            cancellationToken: Token);
        var config = $"""
            apiVersion: kubeadm.k8s.io/v1beta4
            kind: ClusterConfiguration
            kubernetesVersion: v1.31.4
            etcd:
              external:
                endpoints: ["http://{member.Address}:2379"]
            """;

        var init = await Lab.SshAsync(controlPlane, $"cat > /root/external.yaml <<'EOF'\n{config}\nEOF\nkubeadm init --config /root/external.yaml", cancellationToken: Token);

        Assert.Multiple(() =>
        {
            Assert.That(setUp.ExitCode, Is.Zero, setUp.StandardError);
            Assert.That(packages.ExitCode, Is.Zero, packages.StandardError);
            Assert.That(init.ExitCode, Is.EqualTo(1));
            Assert.That(
                init.StandardError,
                Does.Contain("\t[ERROR ExternalEtcdVersion]: this version of kubeadm only supports external etcd version >= 3.5.15-0. Current version: 3.4.23\n"));
            Assert.That(init.StandardError, Does.Contain("[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`"));
            Assert.That(init.StandardOutput, Does.Not.Contain("initialized successfully"));
        });
    }

    /// <summary>A command that prints the etcd member's /version (a fresh host has no curl).</summary>
    private static string VersionOf(LabHost host) =>
        $"python3 -c 'import urllib.request; print(urllib.request.urlopen(\"http://{host.Address}:2379/version\", timeout=2).read().decode())'";

    /// <summary>The names of <paramref name="commands"/> that the host's root shell finds on its PATH.</summary>
    private async Task<List<string>> CommandsOnPathAsync(LabHost host, IEnumerable<string> commands)
    {
        var script = string.Join("; ", commands.Select(c => $"command -v {c} >/dev/null && echo {c}")) + "; true";
        var result = await Lab.SshAsync(host, script, cancellationToken: Token);
        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        return [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>Runs <paramref name="command"/> until it succeeds (20 s at most); returns its output.</summary>
    private async Task<string> WaitForAsync(LabHost host, string command)
    {
        var result = await Lab.SshAsync(host, $"for i in $(seq 1 80); do if out=$({command}); then echo \"$out\"; exit 0; fi; sleep 0.25; done; exit 1", cancellationToken: Token);
        Assert.That(result.ExitCode, Is.Zero, $"{command} never succeeded: {result.StandardError}");
        return result.StandardOutput;
    }
}
