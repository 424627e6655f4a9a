using HaKube.Actions.Etcd;
using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Inventory;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>The parts the removal steps share. Each is idempotent, so a removal interrupted half-way runs again from the start on the next plan.</summary>
internal static class HostRemoval
{
    private const string Kubectl = $$"""
        k() { kubectl --kubeconfig {{KnownPaths.AdminConf}} --request-timeout=10s "$@"; }
        gone() { out=$(k get node "$1" -o name 2>&1) && return 1; case $out in *NotFound*|*"not found"*) return 0;; esac; return 1; }

        """;

    /// <summary>At <see cref="StepContext.DrainTimeout"/> the removal goes on (logged).</summary>
    public static async Task DrainAsync(StepContext context, StepKind kind, string anchor, string node, CancellationToken cancellationToken)
    {
        var seconds = NodeUpgrade.DrainSeconds(context.DrainTimeout);
        var q = ShellQuote.Quote(node);
        var script = ShellSnippets.Prelude + Kubectl + $$"""
            if gone {{q}}; then echo absent; exit 0; fi
            k cordon {{q}} >/dev/null || fail "kubectl cordon {{node}} failed"
            if ! out=$(k drain {{q}} --ignore-daemonsets --delete-emptydir-data --timeout={{seconds}}s 2>&1); then
              echo drain-unfinished; printf '%s\n' "$out" | tail -n 3
            fi

            """;
        var result = await HostCommands.RunAsync(context, anchor, kind, $"cordon and drain the Node {node} (through {anchor})",
            script, cancellationToken, context.DrainTimeout + context.CommandTimeout);
        if (result.StdOut.Contains("drain-unfinished", StringComparison.Ordinal))
        {
            var detail = string.Join(" / ", result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1));
            MembershipLog.DrainTimedOut(context.Logger, node, context.DrainTimeout.TotalSeconds, detail.Length == 0 ? "kubectl drain failed" : detail);
        }
    }

    /// <summary>Waits (bounded) until kube-apiserver no longer has it.</summary>
    public static Task DeleteNodeAsync(StepContext context, StepKind kind, string anchor, string node, CancellationToken cancellationToken)
    {
        var q = ShellQuote.Quote(node);
        var script = ShellSnippets.Prelude + Kubectl + $$"""
            gone {{q}} && exit 0
            k delete node {{q}} --ignore-not-found >/dev/null || fail "kubectl delete node {{node}} failed"
            n=0
            until gone {{q}}; do
              n=$((n + 1)); [ "$n" -lt 30 ] || { printf '%s\n' "$out" >&2; fail "the Node {{node}} still exists 30 s after it was deleted"; }; sleep 1
            done

            """;
        return HostCommands.RunAsync(context, anchor, kind, $"delete the Node {node} (through {anchor})", script, cancellationToken);
    }

    /// <summary>An older machine's Node of this name is deleted: kubeadm join refuses it while it looks Ready.</summary>
    public static async Task DeletePreviousNodeAsync(StepContext context, StepKind kind, string node, CancellationToken cancellationToken)
    {
        if (context.InitializedControlPlane(except: node) is { } anchor)
        {
            await DeleteNodeAsync(context, kind, anchor.Name, node, cancellationToken);
        }
    }

    /// <summary>kubeadm reset -f, then checked; skipped (logged) where the last probe could not reach the host.</summary>
    public static async Task ResetAsync(StepContext context, StepKind kind, string host, CancellationToken cancellationToken)
    {
        if (context.FactsOf(host) is not { Reachable: true })
        {
            MembershipLog.ResetSkipped(context.Logger, host);
            return;
        }

        var script = ShellSnippets.Prelude + $$"""
            if command -v kubeadm >/dev/null 2>&1; then
              kubeadm reset -f >/dev/null 2>/run/hakube-reset.err || { tail -n 5 /run/hakube-reset.err >&2; fail "kubeadm reset -f failed"; }
            fi
            for f in {{KnownPaths.AdminConf}} {{KnownPaths.KubeletConf}}; do [ ! -e "$f" ] || fail "$f is still there after kubeadm reset"; done
            ! systemctl is-active -q kubelet || fail "the kubelet still runs after kubeadm reset"

            """;
        await HostCommands.RunAsync(context, host, kind, "reset the host with kubeadm reset -f", script, cancellationToken, context.KubeadmTimeout);
    }

    /// <summary>
    /// Removes the matching member through <paramref name="through"/>, which takes its leadership
    /// first, so the removal does not depend on the leaving host. Nothing when none matches. etcd
    /// refuses a removal while a peer is freshly connected: retried, bounded.
    /// </summary>
    public static async Task RemoveMemberAsync(StepContext context, StepKind kind, HostSpec through, Func<EtcdMember, bool> match, string what, CancellationToken cancellationToken)
    {
        var members = await ListMembersAsync(context, kind, through, cancellationToken);
        if (members.FirstOrDefault(match) is not { } member)
        {
            return;
        }

        var hex = member.Id.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        var listed = ShellQuote.Quote($"\"ID\":\"{EtcdGatewayJson.Id(member.Id)}\"");
        var remove = ShellSnippets.Prelude + EtcdGatewayShell.Functions(through) + EtcdLeadership.HandOverFunction(context, member, through) + $$"""
            hand_over_leadership
            n=0
            until eg "$EP" /v3/cluster/member/remove {{ShellQuote.Quote(EtcdGatewayJson.Remove(member.Id))}}; do
              case $out in *"member not found"*) break;; esac
              n=$((n + 1)); [ "$n" -lt 30 ] || { printf '%s\n' "$out" | tail -n 5 >&2; fail "etcd member remove {{hex}} failed"; }; sleep 1
            done
            n=0
            while ! eg "$EP" /v3/cluster/member/list '{}' || case $out in *{{listed}}*) true;; *) false;; esac; do
              n=$((n + 1)); [ "$n" -lt 10 ] || fail "member {{hex}} is still listed after its removal"; sleep 1
            done

            """;
        await HostCommands.RunAsync(context, through.Name, kind, $"remove etcd member {what} ({hex}) through {through.Name}", remove, cancellationToken);
        MembershipLog.MemberRemoved(context.Logger, $"{what} ({hex})", through.Name);
    }

    public static async Task<IReadOnlyList<EtcdMember>> ListMembersAsync(StepContext context, StepKind kind, HostSpec through, CancellationToken cancellationToken)
    {
        var list = ShellSnippets.Prelude + EtcdGatewayShell.Functions(through) + """
            eg "$EP" /v3/cluster/member/list '{}' || { printf '%s\n' "$out" | tail -n 3 >&2; fail "etcd's member list did not answer (HTTP $code)"; }
            printf '%s\n' "$out"

            """;
        var listed = await HostCommands.RunAsync(context, through.Name, kind, $"list the etcd members (through {through.Name})", list, cancellationToken);
        try
        {
            return EtcdGatewayJson.Members(listed.StdOut);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new StepFailedException(through.Name, kind, "list the etcd members", "unreadable answer", [e.Message]);
        }
    }

    /// <summary>Healthy in the last probe.</summary>
    public static HostSpec HealthyMember(StepContext context, StepKind kind, string except) =>
        context.Spec.EtcdMembers().FirstOrDefault(h => h.Name != except && context.FactsOf(h.Name) is { Reachable: true, Etcd.Healthy: true })
        ?? throw new StepFailedException(except, kind, "find a healthy etcd member to remove the member through", "no healthy member", ["no etcd member of the spec was healthy in the last probe"]);

    /// <summary>Named after the host, or peering at its address.</summary>
    public static bool IsMemberOf(EtcdMember member, HostSpec host) =>
        member.Name == host.Name || member.PeerUrls.Any(u => PeersAt(u, host.Address));

    public static bool PeersAt(string url, string address) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && string.Equals(uri.Host.Trim('[', ']'), address.Trim('[', ']'), StringComparison.OrdinalIgnoreCase);

    /// <summary>Data moved aside, never deleted: started again, etcd would try to rejoin a cluster that no longer lists it.</summary>
    public static async Task StopEtcdAsync(StepContext context, StepKind kind, string host, CancellationToken cancellationToken)
    {
        if (context.FactsOf(host) is not { Reachable: true })
        {
            MembershipLog.ResetSkipped(context.Logger, host);
            return;
        }

        var data = EtcdMemberFiles.DataDirectory;
        var script = ShellSnippets.Prelude + StaticPodRestart.Listening(context.DepartingHost(host)) + $$"""
            if [ -f {{KnownPaths.EtcdManifest}} ]; then mkdir -p {{KnownPaths.Kubernetes}}/tmp; mv -f {{KnownPaths.EtcdManifest}} "{{KnownPaths.Kubernetes}}/tmp/etcd.yaml.removed-$(date +%s)"; fi
            rm -f {{KnownPaths.EtcdManifestRecord}}
            systemctl disable etcd >/dev/null 2>&1 || true
            systemctl stop etcd >/dev/null 2>&1 || true
            ! systemctl is-active -q etcd || fail "etcd still runs after systemctl stop"
            n=0
            while listening 094B; do n=$((n + 1)); [ "$n" -lt 300 ] || fail "etcd still listens on 2379 60 s after its manifest was moved away"; sleep 0.2; done
            systemctl disable kubelet >/dev/null 2>&1 || true
            systemctl stop kubelet >/dev/null 2>&1 || true
            if [ -d {{data}}/member ]; then mv {{data}}/member "{{data}}/member.removed-$(date +%s)"; fi

            """;
        await HostCommands.RunAsync(context, host, kind, "stop etcd and move its data aside", script, cancellationToken);
    }

    /// <summary>A host that stays only loses the role (<see cref="ClusterInventory.Retire"/>); a departing one is forgotten.</summary>
    public static async Task DoneAsync(StepContext context, string host, HostRole role, CancellationToken cancellationToken)
    {
        if (!context.IsKept(host))
        {
            await ForgetAsync(context, host, cancellationToken);
            return;
        }

        var address = context.Host(host).Address;
        await context.Store.UpdateInventoryAsync(inventory => ClusterInventory.Retire(inventory, context.Spec, host, address, role), cancellationToken);
        MembershipLog.RoleRetired(context.Logger, host, role.ToString());
    }

    /// <summary>By name and address, so a previous machine of the same name is remembered until reset.</summary>
    public static async Task ForgetAsync(StepContext context, string host, CancellationToken cancellationToken)
    {
        var address = context.DepartingHost(host).Address;
        var name = PreviousMachine.TryParse(host, out var previous) ? previous.Name : host;
        await context.Store.UpdateInventoryAsync(inventory => ClusterInventory.Forget(inventory, name, address), cancellationToken);
        MembershipLog.Forgotten(context.Logger, host);
    }
}
