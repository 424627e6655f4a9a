using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Model.Planning;

/// <summary>
/// A kubeadm init that stopped half-way: kubelet.conf still embeds its client certificate and etcd has no
/// kube-system/kubeadm-config. Both signs are needed; either alone also fits a finished cluster.
/// </summary>
internal static class UnfinishedInit
{
    /// <summary>The facts with <see cref="HostFacts.KubeadmInitUnfinished"/> set on such control planes.</summary>
    public static IReadOnlyDictionary<string, HostFacts> Mark(HaClusterSpec spec, IReadOnlyDictionary<string, HostFacts> facts)
    {
        var view = EtcdView.Observe(spec.EtcdMembers(), h => facts.TryGetValue(h, out var f) && f.Reachable ? f : null);
        if (view.KubeadmConfigStored != false)
        {
            return facts;
        }

        var unfinished = spec.ControlPlanes()
            .Where(h => facts.TryGetValue(h.Name, out var f) && f.Reachable && f.IsPresent(KnownPaths.AdminConf) && f.KubeletConfEmbedsClientCertificate)
            .Select(h => h.Name)
            .ToHashSet(StringComparer.Ordinal);
        return unfinished.Count == 0
            ? facts
            : facts.ToDictionary(p => p.Key, p => unfinished.Contains(p.Key) ? p.Value with { KubeadmInitUnfinished = true } : p.Value, StringComparer.Ordinal);
    }
}
