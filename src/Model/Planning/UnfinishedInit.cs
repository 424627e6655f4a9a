using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Model.Planning;

/// <summary>
/// A kubeadm init that stopped half-way (power lost, SSH cut, the API server never healthy) leaves
/// admin.conf and kubelet.conf behind, the files that say "initialized". Two signs together tell it
/// from a finished one: kubelet.conf still embeds its client certificate (kubelet-finalize, the last
/// phase but the addons, never ran) and the cluster's etcd answers without kube-system/kubeadm-config
/// (upload-config never ran). Both are needed: an old node may embed its certificate, and a
/// ConfigMap may be deleted by hand, but a finished init never shows both.
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
