using HaKube.Model.Api;

namespace HaKube.Actions.Kubeadm;

/// <summary>The same for init and join.</summary>
internal static class NodeRegistrationSection
{
    public static YamlMapping Render(KubeadmApiVersion api, HostSpec node, bool controlPlane)
    {
        var kubeletArguments = KubeletArguments(node);
        return Yaml.Map(
            ("name", Yaml.Str(node.Name)),
            ("criSocket", Yaml.Str(KubeadmDefaults.CriSocket)),
            // Absent taints give a control plane kubeadm's NoSchedule taint. A host that is both
            // ControlPlane and Worker must run workloads, so it gets an explicit empty list.
            ("taints", controlPlane && node.Roles.Contains(HostRole.Worker) ? Yaml.Seq([]) : null),
            ("kubeletExtraArgs", kubeletArguments.Count == 0 ? null : ExtraArgs.Render(api, kubeletArguments)));
    }

    private static List<KeyValuePair<string, string>> KubeletArguments(HostSpec node)
    {
        var arguments = new List<KeyValuePair<string, string>>();

        // A host with several interfaces would otherwise register the default-route address, which
        // need not be the address the spec (and etcd, the apiserver, the load balancer) uses.
        // node-ip takes only an IP, so a host given by DNS name keeps the kubelet's own choice.
        if (HostAddresses.IsIpAddress(node.Address))
        {
            arguments.Add(new("node-ip", node.Address));
        }

        if (NodeLabels.KubeletFlagValue(node.Labels) is { } labels)
        {
            arguments.Add(new("node-labels", labels));
        }

        return arguments;
    }
}
