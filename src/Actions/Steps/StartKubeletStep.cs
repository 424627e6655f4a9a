using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>Restarts a joined node's kubelet, which alone restarts its static pods; etcd's return is the next probe's to judge.</summary>
internal sealed class StartKubeletStep : IStep
{
    public StepKind Kind => StepKind.StartKubelet;

    public Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        return HostCommands.ForEachHostAsync(context, planStep.Hosts, async (name, token) =>
        {
            const string script = ShellSnippets.Prelude + """
                [ -f /etc/kubernetes/kubelet.conf ] || fail "no /etc/kubernetes/kubelet.conf: this node is not joined; it must join, not just start its kubelet"
                systemctl daemon-reload
                systemctl enable kubelet >/dev/null 2>&1 || fail "systemctl enable kubelet failed"
                if ! systemctl is-active -q kubelet; then
                  systemctl reset-failed kubelet >/dev/null 2>&1 || true
                  systemctl restart kubelet || fail "systemctl restart kubelet failed"
                fi
                n=0
                until systemctl is-active -q kubelet; do
                  n=$((n + 1))
                  if [ "$n" -ge 30 ]; then
                    systemctl status kubelet --no-pager -n 15 >&2 || true
                    fail "kubelet is not active 30 s after it was started"
                  fi
                  sleep 1
                done

                """;
            await HostCommands.RunAsync(context, name, Kind, "start the kubelet and wait until it is active", script, token);
        }, cancellationToken);
    }
}
