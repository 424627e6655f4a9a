using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Model.Planning;

/// <summary>
/// InstallPodNetwork and JoinWorker, both through the first reachable initialized control plane (the anchor);
/// workers join all in one step.
/// </summary>
internal static class WorkloadPhase
{
    public static void Plan(PlanBuilder plan, string? anchor)
    {
        PodNetwork(plan, anchor);
        Workers(plan, anchor);
    }

    private static void PodNetwork(PlanBuilder plan, string? anchor)
    {
        var spec = plan.Spec;
        if (spec.Networking.Cni == CniPlugin.None || anchor is null)
        {
            return;
        }

        var controlPlanes = spec.ControlPlanes().Select(h => h.Name).ToList();
        var desired = plan.DesiredFiles(anchor, StepKind.InstallPodNetwork);
        if (desired.Count == 0)
        {
            desired = controlPlanes.Select(h => plan.DesiredFiles(h, StepKind.InstallPodNetwork)).FirstOrDefault(f => f.Count > 0) ?? [];
        }

        if (desired.Count == 0)
        {
            return;
        }

        var applied = controlPlanes.Any(h => plan.Reachable(h) is { ControlPlaneInitialized: true } f && FileDrift.Describe(f, desired).Count == 0);
        if (applied)
        {
            return;
        }

        if (LoadBalancerPhase.EndpointProblem(plan) is { } endpoint)
        {
            plan.Refuse(StepKind.InstallPodNetwork, anchor, RefusalCause.EndpointUnavailable, endpoint);
            return;
        }

        var drift = FileDrift.Describe(plan.Reachable(anchor)!, desired);
        plan.Step(StepKind.InstallPodNetwork, [anchor], drift.Count > 0
            ? $"{spec.Networking.Cni} not applied: {string.Join("; ", drift)}"
            : $"{spec.Networking.Cni} not applied: the cluster is initialized by this plan");
    }

    private static void Workers(PlanBuilder plan, string? anchor)
    {
        var waiting = plan.Spec.Hosts
            .Where(h => h.Roles.Contains(HostRole.Worker) && !h.Roles.Contains(HostRole.ControlPlane))
            .Where(h => plan.Reachable(h.Name) is { KubeletConfigured: false } && !plan.IsBlocked(StepKind.PrepareHost, h.Name))
            .Select(h => h.Name)
            .Where(h => !plan.WaitsForCleanup(StepKind.JoinWorker, h))
            .ToList();
        if (waiting.Count == 0)
        {
            return;
        }

        if (anchor is null)
        {
            plan.Refuse(null, RefusalCause.Blocked, $"workers {Wording.List(waiting)} wait: no control plane is or will be initialized to join (see the refusal of kubeadm init)");
            return;
        }

        if (LoadBalancerPhase.EndpointProblem(plan) is { } endpoint)
        {
            plan.Refuse(null, RefusalCause.EndpointUnavailable, $"workers {Wording.List(waiting)} wait: {endpoint}");
            return;
        }

        if (UpgradePhase.JoinsWait(plan) is { } upgrading)
        {
            waiting.ForEach(w => plan.Refuse(StepKind.JoinWorker, w, RefusalCause.VersionSkew, upgrading));
            return;
        }

        plan.Step(StepKind.JoinWorker, waiting, $"{Wording.List(waiting)}: no {KnownPaths.KubeletConf} (not joined); they join in parallel");
    }
}
