namespace HaKube.Model.Api;

/// <summary>What a host must have before kubeadm or an etcd member runs on it: asked by the planner, installed by PrepareHost.</summary>
public static class HostRequirements
{
    /// <summary>(program, Debian package): kubeadm's preflight fails without conntrack (before 1.32) and iptables, and warns without socat, ethtool, ebtables.</summary>
    public static readonly IReadOnlyList<(string Program, string Package)> NodeTools =
        [("curl", "curl"), ("gpg", "gpg"), ("conntrack", "conntrack"), ("iptables", "iptables"), ("socat", "socat"), ("ethtool", "ethtool"), ("ebtables", "ebtables")];

    /// <summary>Tools an external etcd host needs: the repository key, and curl for etcd's gateway.</summary>
    public static readonly IReadOnlyList<(string Program, string Package)> EtcdHostTools = [("curl", "curl"), ("gpg", "gpg")];

    /// <summary>kubeadm's PauseVersion: Debian 12's containerd names pause:3.6, which cannot start a sandbox offline.</summary>
    public static string PauseImage(KubernetesVersion version, string? repository = null)
    {
        var tag = version.Minor switch
        {
            <= 30 => "3.9",
            <= 33 => "3.10",
            _ => "3.10.1",
        };
        return $"{repository ?? ImagesSpec.DefaultRepository}/pause:{tag}";
    }

    /// <summary>The pause image of the spec's version, under spec.images.repository when it names one (kubeadm expects it there too).</summary>
    public static string PauseImage(HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return PauseImage(spec.Version(), spec.Images?.Repository);
    }
}
