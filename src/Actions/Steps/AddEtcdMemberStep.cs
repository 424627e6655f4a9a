using HaKube.Actions.Etcd;
using HaKube.Actions.Kubeadm;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// External etcd: adds one member as kubeadm adds a stacked one, as a learner promoted once it has
/// caught up (etcd refuses earlier: retried, bounded). A member added by an interrupted run is not
/// added twice; old data on the host is moved aside, never deleted.
/// </summary>
internal sealed class AddEtcdMemberStep : IStep
{
    public StepKind Kind => StepKind.AddEtcdMember;

    public async Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        foreach (var name in planStep.Hosts)
        {
            await AddAsync(context, context.Host(name), cancellationToken);
        }
    }

    private async Task AddAsync(StepContext context, HostSpec member, CancellationToken cancellationToken)
    {
        var through = context.Spec.EtcdMembers().FirstOrDefault(h => h.Name != member.Name && context.FactsOf(h.Name)?.Etcd is { Healthy: true })
            ?? throw new StepFailedException(member.Name, Kind, "find a healthy etcd member to add it through", "no healthy member", ["no other etcd member was healthy in the last probe"]);
        var peer = EtcdStaticPod.PeerUrl(member);
        await EtcdStaticPod.SyncFilesAsync(context, Kind, member, cancellationToken);
        await EtcdStaticPod.PullImageAsync(context, Kind, member.Name, cancellationToken);

        var add = ShellSnippets.Prelude + EtcdGatewayShell.Functions(through) + $$"""
            member_listed {{ShellQuote.Quote($"\"{peer}\"")}} && { printf '%s\n' "$out"; exit 0; }
            # etcd refuses a new member until the last one has been connected for a few seconds
            # ("unhealthy cluster"); that passes by itself, so it is retried, bounded.
            n=0
            until eg "$EP" /v3/cluster/member/add {{ShellQuote.Quote(EtcdGatewayJson.AddLearner(peer))}}; do
              n=$((n + 1))
              case $out in *"unhealthy cluster"*|*"not enough started members"*|*"too many learner"*) [ "$n" -lt 30 ] && { sleep 1; continue; } ;; esac
              printf '%s\n' "$out" | tail -n 5 >&2; fail "etcd member add of {{peer}} failed (HTTP $code)"
            done
            eg "$EP" /v3/cluster/member/list '{}' || fail "etcd's member list did not answer after the add"
            printf '%s\n' "$out"

            """;
        var listed = await HostCommands.RunAsync(context, through.Name, Kind, $"add {member.Name} to the etcd cluster as a learner (through {through.Name})", add, cancellationToken);
        var members = EtcdGatewayJson.Members(listed.StdOut);
        var initial = new List<KeyValuePair<string, string>>();
        ulong? id = null;
        var started = false;
        foreach (var listedMember in members)
        {
            if (listedMember.PeerUrls.Contains(peer))
            {
                id = listedMember.Id;
                started = listedMember.Name == member.Name;
                initial.Add(new(member.Name, peer));
            }
            else if (listedMember.Name.Length == 0)
            {
                throw new StepFailedException(member.Name, Kind, "add it to the etcd cluster", "another member is pending",
                    [$"member {listedMember.Id:x} ({string.Join(",", listedMember.PeerUrls)}) was added but never started; start or remove it first"]);
            }
            else
            {
                initial.AddRange(listedMember.PeerUrls.Select(url => new KeyValuePair<string, string>(listedMember.Name, url)));
            }
        }

        if (id is not { } memberId)
        {
            throw new StepFailedException(member.Name, Kind, "add it to the etcd cluster", "not listed after the add", [$"no member peers at {peer}"]);
        }

        var start = ShellSnippets.Prelude + EtcdGatewayShell.Functions(member) + EtcdStaticPod.Functions + $$"""
            if {{(started ? "false" : "true")}}; then
              if [ -f {{KnownPaths.EtcdManifest}} ]; then mkdir -p {{KnownPaths.Kubernetes}}/tmp; mv -f {{KnownPaths.EtcdManifest}} "{{KnownPaths.Kubernetes}}/tmp/etcd.yaml.replaced-$(date +%s)"; fi
              # Data from an earlier membership would make etcd refuse to join: keep it, out of the way.
              n=0
              while pgrep -x etcd >/dev/null 2>&1; do n=$((n + 1)); [ "$n" -lt 60 ] || fail "an old etcd still runs here"; sleep 1; done
              if [ -d {{KnownPaths.EtcdDataDirectory}}/member ]; then mv {{KnownPaths.EtcdDataDirectory}}/member "{{KnownPaths.EtcdDataDirectory}}/member.replaced-$(date +%s)"; fi
            {{EtcdStaticPod.WriteStartConfig(context.Cluster, member, new EtcdMemberStart(initial, Existing: true))}}  render_member {{EtcdStaticPod.StartConfig}}
              rm -f {{EtcdStaticPod.StartConfig}}
            elif [ ! -f {{KnownPaths.EtcdManifest}} ]; then
              render_member {{KnownPaths.EtcdKubeadmConfig}}
            fi
            run_kubelet

            """;
        await HostCommands.RunAsync(context, member.Name, Kind, "start the new etcd member's static pod with the existing cluster", start, cancellationToken, context.KubeadmTimeout);

        var promote = ShellSnippets.Prelude + EtcdGatewayShell.Functions(through) + $$"""
            n=0
            until member_listed {{ShellQuote.Quote($"\"name\":\"{member.Name}\"")}}; do
              n=$((n + 1)); [ "$n" -lt 120 ] || { printf '%s\n' "$out" | tail -n 3 >&2; fail "{{member.Name}} has not started as a member 120 s after its static pod was written"; }; sleep 1
            done
            n=0
            until eg "$EP" /v3/cluster/member/promote {{ShellQuote.Quote(EtcdGatewayJson.Promote(memberId))}}; do
              case $out in
                *"in sync with leader"*) ;;
                *"can only promote a learner member"*) break;;
              esac
              n=$((n + 1)); [ "$n" -lt 120 ] || { printf '%s\n' "$out" | tail -n 3 >&2; fail "etcd did not promote {{member.Name}} within 120 s"; }; sleep 1
            done

            """;
        await HostCommands.RunAsync(context, through.Name, Kind, $"promote {member.Name} to a voting member (through {through.Name})", promote, cancellationToken, context.KubeadmTimeout);

        var healthy = ShellSnippets.Prelude + EtcdGatewayShell.Functions(member) + "wait_healthy 120\n";
        await HostCommands.RunAsync(context, member.Name, Kind, "wait for the new member to be healthy", healthy, cancellationToken);
    }
}
