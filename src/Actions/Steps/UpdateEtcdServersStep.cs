using System.Text.Json;
using HaKube.Actions.Kubeadm;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// External etcd: points the control planes at spec.etcd.hosts. kubeadm-config first, so later joins
/// and upgrades write the same list; then kube-apiserver's --etcd-servers, one control plane at a
/// time, each restarted as <see cref="StaticPodRestart"/> does and ready before the next. Only that
/// flag changes; the rest of the manifest stays kubeadm's.
/// </summary>
internal sealed class UpdateEtcdServersStep : IStep
{
    private const string PrintClusterConfiguration = $$"""
        kubectl --kubeconfig {{KnownPaths.AdminConf}} --request-timeout=20s -n kube-system get configmap kubeadm-config -o jsonpath='{.data.ClusterConfiguration}'

        """;

    private const string ReadClusterConfiguration = ShellSnippets.Prelude + PrintClusterConfiguration;

    public StepKind Kind => StepKind.UpdateEtcdServers;

    public async Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        var endpoints = context.Spec.EtcdClientUrls();
        await UpdateKubeadmConfigAsync(context, planStep.Hosts[0], endpoints, cancellationToken);
        foreach (var name in planStep.Hosts)
        {
            var host = context.Host(name);
            await LoadBalancerDrain.AroundAsync(context, host, Kind, token =>
                HostCommands.RunAsync(context, name, Kind, $"point kube-apiserver at {string.Join(",", endpoints)}",
                    ShellSnippets.Prelude + StaticPodRestart.Functions(host, etcdMember: false) + ManifestScript(endpoints) + KubeadmRun.WaitApiServerReady(host.Address, 180),
                    token, context.KubeadmTimeout), cancellationToken);
        }
    }

    /// <summary>A merge patch of the one data key, then read back.</summary>
    private async Task UpdateKubeadmConfigAsync(StepContext context, string host, IReadOnlyList<string> endpoints, CancellationToken cancellationToken)
    {
        var current = (await HostCommands.RunAsync(context, host, Kind, "read the kubeadm-config ConfigMap", ReadClusterConfiguration, cancellationToken)).StdOut;
        if (Parse(host, current, ExternalEtcdEndpointsEdit.Read) is { } have && have.SequenceEqual(endpoints, StringComparer.Ordinal))
        {
            return;
        }

        var updated = Parse(host, current, text => ExternalEtcdEndpointsEdit.Replace(text, endpoints));
        var patch = JsonSerializer.Serialize(new Dictionary<string, Dictionary<string, string>> { ["data"] = new() { ["ClusterConfiguration"] = updated } });
        // Patch and read back in one exec: the read-back is the post-condition.
        var after = (await HostCommands.RunAsync(context, host, Kind, "update etcd.external.endpoints in the kubeadm-config ConfigMap",
            ShellSnippets.Prelude + $"kubectl --kubeconfig {KnownPaths.AdminConf} --request-timeout=20s -n kube-system patch configmap kubeadm-config " +
                $"--type merge -p {ShellQuote.Quote(patch)} >/dev/null\n"
            + PrintClusterConfiguration,
            cancellationToken)).StdOut;
        var got = Parse(host, after, ExternalEtcdEndpointsEdit.Read);
        if (got is null || !got.SequenceEqual(endpoints, StringComparer.Ordinal))
        {
            throw new StepFailedException(host, Kind, "update etcd.external.endpoints in the kubeadm-config ConfigMap", "exit 0",
                [$"the ConfigMap names {(got is null ? "no endpoints" : string.Join(",", got))} after the patch, not {string.Join(",", endpoints)}"]);
        }
    }

    private T Parse<T>(string host, string clusterConfiguration, Func<string, T> read)
    {
        try
        {
            return read(clusterConfiguration);
        }
        catch (FormatException e)
        {
            throw new StepFailedException(host, Kind, "read etcd.external.endpoints from the kubeadm-config ConfigMap", "exit 0", [e.Message], e);
        }
    }

    /// <summary>Needs <see cref="StaticPodRestart.Functions"/>, whose trap puts a staged manifest back on failure.</summary>
    internal static string ManifestScript(IReadOnlyList<string> endpoints) => $$"""
        want={{ShellQuote.Quote(string.Join(",", endpoints))}}
        m="$M/kube-apiserver.yaml"
        [ -f "$m" ] || fail "$m is missing: this control plane has no API server manifest"
        grep -q -e '--etcd-servers=' "$m" || fail "$m has no --etcd-servers flag"
        sed "s|--etcd-servers=[^\"' ]*|--etcd-servers=$want|" "$m" > "$S/kube-apiserver.yaml.new"
        if cmp -s "$S/kube-apiserver.yaml.new" "$m"; then
          rm -f "$S/kube-apiserver.yaml.new"
        else
          chmod 0600 "$S/kube-apiserver.yaml.new"
          mv -f "$S/kube-apiserver.yaml.new" "$S/kube-apiserver.yaml"
          rm -f "$m"
          wait_gone 192B kube-apiserver 120
          mv -f "$S/kube-apiserver.yaml" "$M/"
        fi
        grep -q -e "--etcd-servers=$want\([\"' ]\|\$\)" "$m" || fail "$m does not name --etcd-servers=$want after the update"

        """;
}
