namespace HaKube.Model.Facts;

/// <summary>From /etc/os-release and the kernel.</summary>
public sealed record OsFacts(string Hostname, string? Id, string? VersionId, string? PrettyName, string Kernel, string Architecture);
