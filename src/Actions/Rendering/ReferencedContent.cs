namespace HaKube.Actions.Rendering;

/// <summary>
/// What a manifest names by file or Secret and HaKube writes onto hosts: each mirrored registry's CA
/// (PEM), the package mirror's signing key (ASCII-armored) and Calico's operator manifests (checked
/// against their SHA-256). Read once per pass, as the SSH key is, by whoever loads the manifest; the
/// renderers only place it.
/// </summary>
/// <param name="RegistryCas">Registry (as in spec.images.registryMirrors) to its CA bundle.</param>
/// <param name="PackageKey">The armored signing key of spec.packages; null when the spec gives none.</param>
public sealed record ReferencedContent(IReadOnlyDictionary<string, string> RegistryCas, string? PackageKey)
{
    public static readonly ReferencedContent None = new(new Dictionary<string, string>(StringComparer.Ordinal), null);

    /// <summary>spec.networking.calico.operatorManifests' content, in order, each byte for byte as its SHA-256 says.</summary>
    public IReadOnlyList<string> CalicoOperatorManifests { get; init; } = [];

    public override string ToString() =>
        $"{nameof(ReferencedContent)} {{ {RegistryCas.Count} CA(s), key {(PackageKey is null ? "none" : "given")}, {CalicoOperatorManifests.Count} Calico manifest(s) }}";
}
