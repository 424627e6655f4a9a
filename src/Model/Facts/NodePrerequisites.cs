namespace HaKube.Model.Facts;

/// <summary>The node prerequisites kubeadm's preflight and the pod network care about.</summary>
/// <param name="SwapOn">/proc/swaps lists at least one device.</param>
/// <param name="IpForward">net.ipv4.ip_forward is 1; null when it could not be read.</param>
/// <param name="BrNetfilter">The br_netfilter module is loaded.</param>
/// <param name="ContainerdInstalled">A containerd binary is on the usual paths.</param>
public sealed record NodePrerequisites(bool SwapOn, bool? IpForward, bool BrNetfilter, bool ContainerdInstalled);
