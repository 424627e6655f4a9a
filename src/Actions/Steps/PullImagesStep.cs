using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>Pulled under their own budget, since kubeadm's waits assume them there; images present are not pulled again.</summary>
internal sealed class PullImagesStep : IStep
{
    public StepKind Kind => StepKind.PullImages;

    public Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        return HostCommands.ForEachHostAsync(context, planStep.Hosts, (name, token) =>
        {
            var controlPlane = context.Host(name).Roles.Contains(HostRole.ControlPlane);
            return HostCommands.RunAsync(context, name, Kind, $"pull the images of {context.Spec.KubernetesVersion}", Script(context.Spec, controlPlane), token, context.ImagePullTimeout);
        }, cancellationToken);
    }

    /// <summary>With its leading space; empty for kubeadm's default.</summary>
    public static string ImageRepositoryFlag(HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Images?.Repository is { } repository ? " --image-repository " + ShellQuote.Quote(repository) : "";
    }

    public static string Script(HaClusterSpec spec, bool controlPlane)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var v = ShellQuote.Quote(spec.KubernetesVersion) + ImageRepositoryFlag(spec);
        var pick = controlPlane ? "cat" : "grep -E '/(kube-proxy|pause):'";
        return ShellSnippets.Prelude + ImagePulls.Functions + $$"""
            list=$(kubeadm config images list --kubernetes-version {{v}} 2>/run/hakube-images.err) || { tail -n 3 /run/hakube-images.err >&2; fail "kubeadm config images list failed"; }
            images=$(printf '%s\n' "$list" | {{pick}})
            [ -n "$images" ] || fail "kubeadm config images list names no image to pull"
            list_images
            missing=
            for i in $images; do have_image "$i" || missing="$missing $i"; done
            if [ -n "$missing" ]; then
              {{(controlPlane
                  ? "kubeadm config images pull --kubernetes-version " + v + " >/dev/null 2>/run/hakube-images.err" +
                      " || { tail -n 3 /run/hakube-images.err >&2; fail \"kubeadm config images pull failed\"; }"
                  : "for i in $missing; do pull_image \"$i\"; done")}}
              list_images
            fi
            for i in $images; do have_image "$i" || fail "$i is not listed by crictl images after the pull"; done

            """;
    }
}
