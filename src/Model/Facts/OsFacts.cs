namespace HaKube.Model.Facts;

/// <summary>Operating system identity (from /etc/os-release and the kernel).</summary>
public sealed record OsFacts(string Hostname, string? Id, string? VersionId, string? PrettyName, string Kernel, string Architecture);
