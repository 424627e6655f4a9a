using HaKube.Actions.Etcd;
using HaKube.Actions.Kubeadm;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// An external etcd member as a kubeadm static pod, the parts its steps share: the member's files
/// written from the state store, its image pulled, etcd.yaml rendered by <c>kubeadm init phase etcd
/// local</c> and its hash recorded (an etcd.yaml that no longer matches the record was edited), and the
/// kubelet that runs it started.
/// </summary>
internal static class EtcdStaticPod
{
    /// <summary>Where a step puts the configuration a member is created with (it may differ from the kept one).</summary>
    public const string StartConfig = "/run/hakube/etcd-kubeadm-start.yaml";

    /// <summary>The member's files that its step writes (certificates, etcd CA, kubelet drop-in and configuration, kubeadm configuration).</summary>
    public static IReadOnlyList<ManagedFile> Files(StepContext context, HostSpec host) =>
        ManagedFiles.For(context.Cluster, host, context.Material)
            .Where(f => f.Owner == StepKind.ConfigureEtcdMember || f.Path == Pki.PkiPaths.EtcdCaCertificate)
            .ToList();

    /// <summary>Writes the member's files where they differ; returns the changed paths.</summary>
    public static Task<IReadOnlyList<string>> SyncFilesAsync(StepContext context, StepKind step, HostSpec host, CancellationToken cancellationToken) =>
        HostCommands.SyncFilesAsync(context, host.Name, step, Files(context, host), cancellationToken);

    /// <summary>
    /// The etcd image kubeadm pins for the spec's version, pulled unless containerd has it (its own
    /// command and budget: a pull takes minutes on a slow link, and fails offline without the image).
    /// </summary>
    public static Task PullImageAsync(StepContext context, StepKind step, string host, CancellationToken cancellationToken)
    {
        var script = ShellSnippets.Prelude + ImagePulls.Functions + $$"""
            img=$(kubeadm config images list --kubernetes-version {{ShellQuote.Quote(context.Spec.KubernetesVersion)}}{{PullImagesStep.ImageRepositoryFlag(context.Spec)}} 2>/dev/null | grep '/etcd:' | head -n 1) || img=
            [ -n "$img" ] || fail "kubeadm config images list names no etcd image for {{context.Spec.KubernetesVersion}}"
            list_images
            pull_image "$img"

            """;
        return HostCommands.RunAsync(context, host, step, "pull the etcd image", script, cancellationToken, context.ImagePullTimeout);
    }

    /// <summary>
    /// Shell: <c>render_member CONFIG</c> (kubeadm init phase etcd local, then the record),
    /// <c>run_kubelet</c> (enabled, started if it is not active), <c>restart_kubelet</c>.
    /// </summary>
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

    /// <summary>Writes <paramref name="start"/>'s configuration for the member's first start to <see cref="StartConfig"/> (not a secret).</summary>
    public static string WriteStartConfig(HaCluster cluster, HostSpec host, EtcdMemberStart start) =>
        ShellSnippets.WriteFile(StartConfig, KubeadmConfigRenderer.RenderEtcdMember(cluster, host, start), "0600");

    /// <summary>The member's peer URL, as its initial-cluster entries name it.</summary>
    public static string PeerUrl(HostSpec host) => EtcdGatewayShell.PeerUrl(host);
}

/// <summary>Pulling images through the CRI with crictl, only where containerd does not have them yet.</summary>
internal static class ImagePulls
{
    /// <summary>
    /// Shell <c>list_images</c> reads <c>crictl images</c> once into <c>$listed</c> (one crictl per
    /// check would run it twice per image); <c>have_image IMAGE</c> looks it up there;
    /// <c>pull_image IMAGE</c> does nothing when the image is listed (an offline host keeps working
    /// with what it has), else runs crictl pull and lists again.
    /// </summary>
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
