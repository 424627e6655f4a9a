namespace HaKube.Model.Facts;

/// <summary>The node prerequisites kubeadm's preflight and the pod network check; IpForward is null when unreadable.</summary>
public sealed record NodePrerequisites(bool SwapOn, bool? IpForward, bool BrNetfilter, bool ContainerdInstalled);
