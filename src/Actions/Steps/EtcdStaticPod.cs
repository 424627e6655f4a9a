using HaKube.Actions.Etcd;
using HaKube.Actions.Kubeadm;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>An external member's shared parts; etcd.yaml's recorded hash tells an edited one.</summary>
internal static class EtcdStaticPod
{
    /// <summary>The configuration a member is created with; it may differ from the kept one.</summary>
    public const string StartConfig = "/run/hakube/etcd-kubeadm-start.yaml";

    public static IReadOnlyList<ManagedFile> Files(StepContext context, HostSpec host) =>
        ManagedFiles.For(context.Cluster, host, context.Material)
            .Where(f => f.Owner == StepKind.ConfigureEtcdMember || f.Path == Pki.PkiPaths.EtcdCaCertificate)
            .ToList();

    /// <summary>Returns the changed paths.</summary>
    public static Task<IReadOnlyList<string>> SyncFilesAsync(StepContext context, StepKind step, HostSpec host, CancellationToken cancellationToken) =>
        HostCommands.SyncFilesAsync(context, host.Name, step, Files(context, host), cancellationToken);

    /// <summary>Its own command and budget: a pull takes minutes on a slow link.</summary>
    public static Task PullImageAsync(StepContext context, StepKind step, string host, CancellationToken cancellationToken)
    {
        var script = ShellSnippets.Prelude + ImagePulls.Functions + $$"""
            img=$(kubeadm config images list --kubernetes-version {{ShellQuote.Quote(context.Spec.KubernetesVersion)}}{{PullImagesStep.ImageRepositoryFlag(context.Spec)}} 2>/dev/null |
              grep '/etcd:' | head -n 1) || img=
            [ -n "$img" ] || fail "kubeadm config images list names no etcd image for {{context.Spec.KubernetesVersion}}"
            list_images
            pull_image "$img"

            """;
        return HostCommands.RunAsync(context, host, step, "pull the etcd image", script, cancellationToken, context.ImagePullTimeout);
    }

    /// <summary>Shell: <c>render_member CONFIG</c>, <c>run_kubelet</c>, <c>restart_kubelet</c>.</summary>
    public static readonly string Functions = $$"""
        render_member() {
          mkdir -p /run/hakube {{KnownPaths.HaKubeConfig}}
          kubeadm init phase etcd local --config "$1" >/dev/null 2>/run/hakube/etcd-phase.err \
            || { tail -n 5 /run/hakube/etcd-phase.err >&2; fail "kubeadm init phase etcd local failed"; }
          [ -s {{KnownPaths.EtcdManifest}} ] || fail "kubeadm init phase etcd local wrote no {{KnownPaths.EtcdManifest}}"
          h=$(sha256sum {{KnownPaths.EtcdManifest}})
          printf '%s\n' "${h%% *}" > {{KnownPaths.EtcdManifestRecord}}.tmp && mv -f {{KnownPaths.EtcdManifestRecord}}.tmp {{KnownPaths.EtcdManifestRecord}}
        }
        run_kubelet() {
          systemctl daemon-reload
          systemctl enable kubelet >/dev/null 2>&1 || fail "systemctl enable kubelet failed"
          systemctl is-active -q kubelet || { systemctl reset-failed kubelet >/dev/null 2>&1 || true; systemctl restart kubelet || fail "systemctl restart kubelet failed"; }
        }
        restart_kubelet() {
          systemctl daemon-reload
          systemctl enable kubelet >/dev/null 2>&1 || fail "systemctl enable kubelet failed"
          systemctl restart kubelet || fail "systemctl restart kubelet failed"
        }

        """;

    /// <summary>Not a secret, so it may go through the script.</summary>
    public static string WriteStartConfig(HaCluster cluster, HostSpec host, EtcdMemberStart start) =>
        ShellSnippets.WriteFile(StartConfig, KubeadmConfigRenderer.RenderEtcdMember(cluster, host, start), "0600");

    public static string PeerUrl(HostSpec host) => EtcdGatewayShell.PeerUrl(host);
}

/// <summary>crictl pulls, only where containerd does not have the image yet.</summary>
internal static class ImagePulls
{
    /// <summary>A listed image is never pulled, so an offline host keeps working with what it has.</summary>
    public const string Functions = """
        nl='
        '
        listed=
        list_images() { listed=$(crictl images 2>/dev/null | awk 'NR > 1 { print $1 ":" $2 }'); }
        have_image() { case "$nl$listed$nl" in *"$nl$1$nl"*) return 0;; esac; return 1; }
        pull_image() {
          have_image "$1" && return 0
          crictl pull "$1" >/dev/null 2>/run/hakube-pull.err || { tail -n 3 /run/hakube-pull.err >&2; fail "crictl pull $1 failed"; }
          list_images
          have_image "$1" || fail "$1 is not listed by crictl images after crictl pull"
        }

        """;
}
