using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// External etcd: one member added to the running cluster, the way etcd's runtime
/// reconfiguration guide says - <c>member add</c> through a healthy member first, then the new
/// member started with the resulting initial cluster and state "existing". Hosts are handled one
/// at a time (one membership change at a time). A member already added by an earlier, interrupted
/// run is not added twice; data left on the new host by an earlier membership is moved aside,
/// never deleted.
/// </summary>
public sealed class AddEtcdMemberStep : IStep
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
        var peer = EtcdUnitRenderer.PeerUrl(member);
        var list = ShellSnippets.Prelude + ShellSnippets.Etcdctl(through) + $$"""
            if ! ec member list -w simple | grep -q {{ShellQuote.Quote($", {peer},")}}; then
              # etcd refuses a new member until the last one has been connected for a few seconds
              # ("unhealthy cluster"); that passes by itself, so it is retried, bounded.
              n=0
              until out=$(ec member add {{ShellQuote.Quote(member.Name)}} --peer-urls={{ShellQuote.Quote(peer)}} 2>&1); do
                n=$((n + 1))
                case $out in *"unhealthy cluster"*) [ "$n" -lt 30 ] && { sleep 1; continue; } ;; esac
                printf '%s\n' "$out" | tail -n 5 >&2; fail "etcdctl member add failed"
              done
            fi
            ec member list -w json

            """;
        var listed = await HostCommands.RunAsync(context, through.Name, Kind, $"add {member.Name} to the etcd cluster (through {through.Name})", list, cancellationToken);
        var members = EtcdListedMember.Parse(listed.StdOut);
        var initial = new List<KeyValuePair<string, string>>();
        var started = false;
        foreach (var listedMember in members)
        {
            if (listedMember.PeerUrls.Contains(peer))
            {
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

        var environment = EtcdUnitRenderer.RenderInitialEnvironment(context.Cluster.Metadata.Name, initial, existing: true);
        var data = EtcdUnitRenderer.DataDirectory;
        var start = ShellSnippets.Prelude + ShellSnippets.Etcdctl(member) + $$"""
            [ -f {{EtcdUnitRenderer.UnitPath}} ] || fail "{{EtcdUnitRenderer.UnitPath}} is missing (ConfigureEtcdMember writes it)"
            if {{(started ? "false" : "true")}}; then
              systemctl stop etcd >/dev/null 2>&1 || true
              # Data from an earlier membership would make etcd refuse to join: keep it, out of the way.
              if [ -d {{data}}/member ]; then mv {{data}}/member "{{data}}/member.replaced-$(date +%s)"; fi
            {{ShellSnippets.WriteFile(EtcdUnitRenderer.InitialEnvironmentPath, environment, "0644")}}fi
            systemctl daemon-reload
            systemctl enable etcd >/dev/null 2>&1 || fail "systemctl enable etcd failed"
            systemctl is-active -q etcd || systemctl start etcd || fail "systemctl start etcd failed"
            wait_healthy 90
            ec member list | grep -q {{ShellQuote.Quote($", started, {member.Name}, {peer},")}} || { ec member list >&2; fail "the member list does not show {{member.Name}} started"; }

            """;
        await HostCommands.RunAsync(context, member.Name, Kind, "start the new etcd member with the existing cluster", start, cancellationToken);
    }
}
