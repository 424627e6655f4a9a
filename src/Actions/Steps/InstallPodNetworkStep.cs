using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// Calico through the admin kubeconfig on the first control plane. The spec's operator manifests
/// are written to the host, so nothing is fetched; without them kubectl fetches Calico's release
/// (through spec.proxy). The rendered file moves into place only after kubectl accepted it, so its
/// presence records that this exact configuration was applied.
/// </summary>
internal sealed class InstallPodNetworkStep : IStep
{
    private const string Pending = KnownPaths.HaKubeConfig + "/.calico-pending";

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
        var local = CalicoManifestRenderer.LocalOperatorManifests(context.Spec, context.Material.Referenced)
            .Select(f => new ManagedFile(f.Path, f.Content, "0644", Kind)).ToList();
        await HostCommands.SyncFilesAsync(context, name, Kind, local, cancellationToken);
        await HostCommands.UploadAsync(context, name, Kind, file with { Path = Pending }, cancellationToken);
        await HostCommands.RunAsync(context, name, Kind, "install the Calico pod network", Script(context.Spec, local.Select(f => f.Path).ToList()), cancellationToken, context.KubeadmTimeout);
        await HostCommands.VerifyFilesAsync(context, name, Kind, [.. local, file], cancellationToken);
    }

    /// <summary>Copies left by a longer list of operator manifests are removed.</summary>
    public static string Script(HaClusterSpec spec, IReadOnlyList<string> localManifests)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(localManifests);
        var sources = localManifests.Count > 0 ? localManifests : CalicoManifestRenderer.OperatorManifests;
        var operators = string.Join(' ', sources.Select(u => "-f " + ShellQuote.Quote(u)));
        // No path is /dev/null/none: with no local manifests every old copy goes.
        var keep = localManifests.Count > 0 ? string.Join('|', localManifests.Select(ShellQuote.Quote)) : "/dev/null/none";
        return ShellSnippets.Prelude + ShellSnippets.ProxyExports(spec) + $$"""
            k() { kubectl --kubeconfig /etc/kubernetes/admin.conf --request-timeout=30s "$@"; }
            for f in {{KnownPaths.HaKubeConfig}}/calico-operator-*.yaml; do
              case "$f" in {{keep}}) ;; *) rm -f -- "$f" ;; esac
            done
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
    }
}
