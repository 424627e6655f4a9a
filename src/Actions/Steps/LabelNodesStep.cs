using System.Text.Json;
using HaKube.Actions.Probe;
using HaKube.Actions.Ssh;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>One merge patch per Node, read again first since the plan's view may be a pass old; see <see cref="NodeLabelOwnership"/>.</summary>
internal sealed class LabelNodesStep : IStep
{
    private const string Kubectl = $$"""
        k() { kubectl --kubeconfig {{KnownPaths.AdminConf}} --request-timeout=10s "$@"; }

        """;

    public StepKind Kind => StepKind.LabelNodes;

    public async Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        var anchor = context.InitializedControlPlane()
            ?? throw new StepFailedException(planStep.Hosts[0], Kind, "find a control plane to label the Nodes through",
                "no initialized control plane", ["no control plane of the spec was reachable and initialized in the last probe"]);
        foreach (var name in planStep.Hosts)
        {
            var q = ShellQuote.Quote(name);
            var read = await HostCommands.RunAsync(context, anchor.Name, Kind, $"read the Node {name} (through {anchor.Name})", ShellSnippets.Prelude + Kubectl + $$"""
                if ! out=$(k get node {{q}} -o json 2>&1); then
                  case $out in *NotFound*|*"not found"*) echo absent; exit 0;; esac
                  printf '%s\n' "$out" >&2; fail "kubectl get node {{name}} failed"
                fi
                printf '%s\n' "$out"

                """, cancellationToken);
            if (read.StdOut.Trim() == "absent")
            {
                continue;
            }

            ClusterNode node;
            try
            {
                using var document = JsonDocument.Parse(read.StdOut);
                node = ProbeParser.ReadNode(document.RootElement);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
            {
                throw new StepFailedException(anchor.Name, Kind, $"read the Node {name}", "kubectl printed no Node", [e.Message]);
            }

            if (NodeLabelOwnership.Diff(node, context.Host(name).Labels) is not { } change)
            {
                continue;
            }

            await HostCommands.RunAsync(context, anchor.Name, Kind, $"label the Node {name}: {change.Describe()} (through {anchor.Name})", ShellSnippets.Prelude + Kubectl + $$"""
                k patch node {{q}} --type merge -p {{ShellQuote.Quote(change.MergePatch())}} >/dev/null || fail "kubectl patch node {{name}} failed"

                """, cancellationToken);
        }
    }
}
