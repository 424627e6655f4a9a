namespace HaKube.Actions.Rendering;

/// <summary>Registry CAs, package key and Calico manifests a manifest names, read once per pass; renderers only place them.</summary>
public sealed record ReferencedContent(IReadOnlyDictionary<string, string> RegistryCas, string? PackageKey)
{
    public static readonly ReferencedContent None = new(new Dictionary<string, string>(StringComparer.Ordinal), null);

    /// <summary>In order, byte for byte as their SHA-256 says.</summary>
    public IReadOnlyList<string> CalicoOperatorManifests { get; init; } = [];

    public override string ToString() =>
        $"{nameof(ReferencedContent)} {{ {RegistryCas.Count} CA(s), key {(PackageKey is null ? "none" : "given")}, {CalicoOperatorManifests.Count} Calico manifest(s) }}";
}
