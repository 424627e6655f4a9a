namespace HaKube.Model.Facts;

public sealed record OsFacts(string Hostname, string? Id, string? VersionId, string? PrettyName, string Kernel, string Architecture);
