namespace HaKube.Actions.Rendering;

/// <summary>
/// What a manifest names by file or Secret for the hosts: registry CAs by registry, the armored
/// package key (null when none) and Calico's pinned manifests. Read once per pass by the loader;
/// renderers only place it.
/// </summary>
public sealed record ReferencedContent(IReadOnlyDictionary<string, string> RegistryCas, string? PackageKey)
{
    public static readonly ReferencedContent None = new(new Dictionary<string, string>(StringComparer.Ordinal), null);

    /// <summary>In order, byte for byte as their SHA-256 says.</summary>
    public IReadOnlyList<string> CalicoOperatorManifests { get; init; } = [];

    public override string ToString() =>
        $"{nameof(ReferencedContent)} {{ {RegistryCas.Count} CA(s), key {(PackageKey is null ? "none" : "given")}, {CalicoOperatorManifests.Count} Calico manifest(s) }}";
}
