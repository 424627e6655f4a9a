using HaKube.Model.Api;
using HaKube.Model.Values;

namespace HaKube.Model.Validation;

internal static class PackageRules
{
    public static void Check(ValidationScope scope)
    {
        if (scope.Spec.Packages is not { } packages)
        {
            return;
        }

        if (packages.Repository is { } repository && !HttpUrl.TryParse(repository, out _, out var problem))
        {
            scope.Error("spec.packages.repository", problem);
        }

        var keyGiven = packages.KeyFile is not null || packages.KeySecretRef is not null;
        if (keyGiven && packages.Repository is null)
        {
            scope.Error("spec.packages", "a signing key is given but no repository; expected repository: the URL of the mirror the key signs (pkgs.k8s.io's own key is checked by its fingerprint)");
        }

        ReferencedSourceRules.Check(scope, packages.KeyFile, packages.KeySecretRef, "spec.packages.key", "signing key", PackagesSpec.MaxKeyBytes);
        if (packages.KeyFingerprint is { } fingerprint && !IsFingerprint(fingerprint))
        {
            var canonical = fingerprint.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
            scope.Error("spec.packages.keyFingerprint", IsFingerprint(canonical)
                ? $"{Printable.Quote(fingerprint)} is not in canonical form; expected {canonical}"
                : $"{Printable.Quote(fingerprint)} is not an OpenPGP fingerprint; expected 40 (v4) or 64 (v5) upper-case hex digits");
        }
    }

    private static bool IsFingerprint(string text) =>
        text.Length is 40 or 64 && text.All(c => char.IsAsciiDigit(c) || c is >= 'A' and <= 'F');
}
