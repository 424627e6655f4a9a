using System.Globalization;
using HaKube.Actions.Etcd;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// `kubeadm certs renew all` on one control plane when something it renews is due, then the static
/// pods restarted (<see cref="StaticPodRestart"/>), out of the load balancers meanwhile (<see cref="LoadBalancerDrain"/>). A marker on the host remembers a restart still
/// owed, so a run cut short after renewing restarts the pods next time. With External etcd, HaKube's
/// apiserver-etcd-client pair replaces kubeadm's.
/// </summary>
internal sealed class RenewControlPlaneCertificatesStep : IStep
{
    private const string Pending = KnownPaths.Kubernetes + "/tmp/hakube-restart-pending";
    private const string Scratch = "/run/hakube/renewal-check.crt";

    public StepKind Kind => StepKind.RenewControlPlaneCertificates;

    public async Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        // One control plane after the other: each restart must be over before the next begins.
        foreach (var name in planStep.Hosts)
        {
            await RenewAsync(context, context.Host(name), cancellationToken);
        }
    }

    private async Task RenewAsync(StepContext context, HostSpec host, CancellationToken cancellationToken)
    {
        var stacked = context.Spec.Etcd.Topology == EtcdTopology.Stacked;
        var pairChanged = false;
        if (!stacked)
        {
            var pair = ManagedFiles.OwnedBy(context.Cluster, host, context.Material, StepKind.DistributeCertificateAuthorities)
                .Where(f => f.Path.EndsWith("/apiserver-etcd-client.crt", StringComparison.Ordinal) || f.Path.EndsWith("/apiserver-etcd-client.key", StringComparison.Ordinal))
                .ToList();
            pairChanged = (await HostCommands.SyncFilesAsync(context, host.Name, Kind, pair, cancellationToken)).Count > 0;
        }

        var files = string.Join(' ', KnownPaths.KubeadmRenewable.Where(p => stacked || !KnownPaths.ExternalEtcdIssued.Contains(p)).Select(ShellQuote.Quote));
        var window = (context.Spec.CertificateRenewalDays * 86400L).ToString(CultureInfo.InvariantCulture);
        var script = ShellSnippets.Prelude + (stacked ? EtcdGatewayShell.Functions(host) + EtcdLeadership.MoveAwayFunction(context, host) : "") +
            StaticPodRestart.Functions(host, stacked) + StaticPodRestart.DueFunction(Scratch) + $$"""
            WINDOW={{window}}
            mkdir -p /run/hakube "$(dirname {{Pending}})"
            renew=0
            for f in {{files}}; do
              if [ -f "$f" ] && due "$f"; then renew=1; fi
            done
            if [ "$renew" = 1 ]; then
              : > {{Pending}}
              kubeadm certs renew all >/dev/null || fail "kubeadm certs renew all failed"
            fi
            if {{(pairChanged ? "true" : "false")}}; then : > {{Pending}}; fi
            if [ -f {{Pending}} ]; then
              restart_static_pods
              rm -f {{Pending}}
            fi
            for f in {{files}}; do
              if [ -f "$f" ] && due "$f"; then fail "$f still expires within {{context.Spec.CertificateRenewalDays}} days after kubeadm certs renew all"; fi
            done
            rm -f {{Scratch}}
            {{(stacked ? "wait_healthy 180" : ":")}}

            """ + KubeadmRun.WaitApiServerReady(host.Address, 180);
        await LoadBalancerDrain.AroundAsync(context, host, Kind, token =>
            HostCommands.RunAsync(context, host.Name, Kind, "renew the certificates and restart the static pods", script, token, context.KubeadmTimeout), cancellationToken);
        await InitControlPlaneStep.SaveAdminKubeconfigAsync(context, host.Name, cancellationToken, Kind);
    }
}
