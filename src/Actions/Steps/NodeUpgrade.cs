using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Actions.Steps;

/// <summary>The shell parts both upgrade steps share, in the kubeadm upgrade guide's order; every wait is bounded.</summary>
internal static class NodeUpgrade
{
    private const string Kubectl = "kubectl --kubeconfig " + KnownPaths.AdminConf + " --request-timeout=20s";

    /// <summary>Until <see cref="Finished"/>, a node lost mid-upgrade is upgraded again.</summary>
    public static string Started(KubernetesVersion target) =>
        ShellSnippets.Prelude + ShellSnippets.WriteFile(KnownPaths.UpgradeMarker,
            $"# HaKube: this node's upgrade to {target} has not finished (drained, kubelet not yet restarted, or not uncordoned)\ntarget: {target}\n", "0644");

    public static string Finished => ShellSnippets.Prelude + $"rm -f {KnownPaths.UpgradeMarker}\n";

    /// <summary>Unheld, installed at exactly the target, held again. A target the repository lacks fails before anything is installed.</summary>
    public static string Packages(HaClusterSpec spec, ReferencedContent referenced, IReadOnlyList<string> packages)
    {
        var target = spec.Version();
        var version = ShellQuote.Quote(target.PackageVersion);
        var names = string.Join(' ', packages);
        var checks = string.Join('\n', packages.Select(p => p switch
        {
            "kubeadm" => "[ \"$(kubeadm version -o short)\" = \"v$v\" ] || fail \"kubeadm reports $(kubeadm version -o short 2>&1), expected v$v\"",
            "kubelet" => "kubelet --version | grep -q \"v$v\\$\" || fail \"kubelet reports $(kubelet --version 2>&1), expected v$v\"",
            _ => "kubectl version --client 2>/dev/null | grep -q \"v$v\" || fail \"kubectl reports $(kubectl version --client 2>&1 | head -n 1), expected v$v\"",
        }));
        return ShellSnippets.Prelude + "updated=\n" +
            "apt_update() { [ -n \"$updated\" ] || apt-get update -q >/dev/null || fail \"apt-get update failed\"; updated=1; }\n" +
            PrepareHostStep.Repository(spec, referenced) + $$"""
            set -f
            v={{version}}
            need=
            {{ShellSnippets.PackagesNotAtVersion(names)}}
            if [ -n "$need" ]; then
              apt_update
              apt-cache madison kubeadm 2>/dev/null | grep -q "| *$v-" || fail "the package repository has no kubeadm $v: is spec.kubernetesVersion a published release?"
              apt-mark unhold kubelet kubeadm kubectl >/dev/null 2>&1 || true
              apt-get install -y -q --allow-change-held-packages $need >/dev/null || fail "apt-get install of$need failed"
            fi
            apt-mark hold kubelet kubeadm kubectl >/dev/null 2>&1 || fail "apt-mark hold failed"
            {{checks}}

            """;
    }

    /// <summary>Through the admin kubeconfig of the host it runs on; an upgrade fails at the timeout.</summary>
    public static string Drain(string node, TimeSpan timeout)
    {
        var seconds = DrainSeconds(timeout);
        return ShellSnippets.Prelude + $"""
            {Kubectl} drain {ShellQuote.Quote(node)} --ignore-daemonsets --delete-emptydir-data --timeout={seconds}s >/dev/null \
              || fail "kubectl drain {node} did not finish within {seconds} s (spec.drainTimeout)"

            """;
    }

    /// <summary>Rounded up so a bound is never shortened.</summary>
    public static long DrainSeconds(TimeSpan timeout) => (long)Math.Ceiling(timeout.TotalSeconds);

    public const string RestartKubelet = ShellSnippets.Prelude + """
        systemctl daemon-reload || fail "systemctl daemon-reload failed"
        systemctl restart kubelet || fail "systemctl restart kubelet failed"
        n=0
        until systemctl is-active -q kubelet; do
          n=$((n + 1)); [ "$n" -lt 60 ] || fail "the kubelet is not active 60 s after its restart"; sleep 1
        done

        """;

    /// <summary>Waits for the Node to report the target kubelet, which the restarted kubelet posts, then uncordons.</summary>
    public static string Uncordon(string node, KubernetesVersion target)
    {
        var n = ShellQuote.Quote(node);
        return ShellSnippets.Prelude + $$"""
            i=0
            until [ "$({{Kubectl}} get node {{n}} -o jsonpath='{.status.nodeInfo.kubeletVersion}' 2>/dev/null)" = {{ShellQuote.Quote(target.ToString())}} ]; do
              i=$((i + 1))
              [ "$i" -lt 120 ] ||
                fail "node {{node}} does not report kubelet {{target}} 120 s after the kubelet restart (it reports $({{Kubectl}} get node {{n}} -o jsonpath='{.status.nodeInfo.kubeletVersion}' 2>&1))"
              sleep 1
            done
            {{Kubectl}} uncordon {{n}} >/dev/null || fail "kubectl uncordon {{node}} failed"
            [ -z "$({{Kubectl}} get node {{n}} -o jsonpath='{.spec.unschedulable}')" ] || fail "node {{node}} is still unschedulable after kubectl uncordon"

            """;
    }
}
