using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// The pod network, applied with the admin kubeconfig on the first control plane: the Calico
/// operator and its CRDs created from the pinned release (objects that already exist are fine),
/// then the rendered Installation (the spec's podSubnet) applied, retrying while the new CRDs are
/// not yet served. kubectl fetches the operator manifests through spec.proxy, if any (NO_PROXY keeps
/// the API server direct). The rendered file is moved into place only after kubectl accepted it, so its
/// presence is the record that this exact network configuration was applied.
/// </summary>
public sealed class InstallPodNetworkStep : IStep
{
    private const string Pending = HaKube.Model.Facts.KnownPaths.HaKubeConfig + "/.calico-pending";

    public StepKind Kind => StepKind.InstallPodNetwork;

    public async Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        if (CalicoManifestRenderer.Render(context.Spec) is not { } manifest)
        {
            return;
        }

        var name = planStep.Hosts.Count > 0 ? planStep.Hosts[0] : ManagedFiles.FirstControlPlane(context.Spec).Name;
        var file = new ManagedFile(CalicoManifestRenderer.ManifestPath, manifest, "0644", Kind);
        await HostCommands.UploadAsync(context, name, Kind, file with { Path = Pending }, cancellationToken);
        var operators = string.Join(' ', CalicoManifestRenderer.OperatorManifests.Select(u => "-f " + ShellQuote.Quote(u)));
        var script = ShellSnippets.Prelude + ShellSnippets.ProxyExports(context.Spec) + $$"""
            k() { kubectl --kubeconfig /etc/kubernetes/admin.conf --request-timeout=30s "$@"; }
            if ! out=$(k create {{operators}} 2>&1); then
              if printf '%s\n' "$out" | grep -i error | grep -qv AlreadyExists; then printf '%s\n' "$out" >&2; fail "kubectl create of the Calico operator failed"; fi
            fi
            n=0
            until out=$(k apply -f {{Pending}} 2>&1); do
              n=$((n + 1))
              if [ "$n" -ge 30 ]; then printf '%s\n' "$out" >&2; fail "kubectl apply of the Calico resources failed"; fi
              sleep 2
            done
            mv -f {{Pending}} {{CalicoManifestRenderer.ManifestPath}}

            """;
        await HostCommands.RunAsync(context, name, Kind, "install the Calico pod network", script, cancellationToken, context.KubeadmTimeout);
        await HostCommands.VerifyFilesAsync(context, name, Kind, [file], cancellationToken);
    }
}
