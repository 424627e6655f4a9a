using HaKube.Model.Api;
using HaKube.Model.Values;

namespace HaKube.Model.Validation;

/// <summary>spec.networking.calico, pinned by SHA-256: a file's hash is checked here when files can be read, a Secret's each pass when it is read.</summary>
internal static class CalicoRules
{
    public static void Check(ValidationScope scope)
    {
        var networking = scope.Spec.Networking;
        if (networking.Calico is not { } calico)
        {
            return;
        }

        if (networking.Cni != CniPlugin.Calico)
        {
            scope.Error("spec.networking.calico", $"cni is {networking.Cni}, so calico is never used; expected cni: Calico, or no calico section");
            return;
        }

        var manifests = calico.OperatorManifests;
        if (manifests.Count > CalicoSpec.MaxOperatorManifests)
        {
            scope.Error("spec.networking.calico.operatorManifests", $"{manifests.Count} manifests; expected at most {CalicoSpec.MaxOperatorManifests}");
            return;
        }

        for (var i = 0; i < manifests.Count; i++)
        {
            CheckManifest(scope, manifests[i], $"spec.networking.calico.operatorManifests[{i}]");
        }
    }

    private static void CheckManifest(ValidationScope scope, CalicoOperatorManifest manifest, string field)
    {
        var sha256 = CheckSha256(scope, manifest.Sha256, field + ".sha256");
        var fileMode = scope.Options.Mode == ManifestMode.File;
        if (manifest.File is null && manifest.SecretRef is null)
        {
            scope.Error(field, fileMode
                ? "no source; expected file: the manifest's path relative to this manifest"
                : "no source; expected secretRef: {name, key} naming a Secret in the HaCluster's namespace");
        }
        else if (fileMode && manifest.File is null)
        {
            scope.Error(field + ".secretRef", "a Secret is read only from a custom resource; expected file: the manifest's path relative to this manifest");
        }

        var before = scope.Errors.Count;
        ReferencedSourceRules.Check(scope, manifest.File, manifest.SecretRef, field + ".file", field + ".secretRef", "operator manifest", CalicoSpec.MaxOperatorManifestBytes);
        if (!fileMode || manifest.File is null || sha256 is null || scope.Errors.Count != before || scope.Options.Files is not { } files)
        {
            return;
        }

        var path = FilePath.TryParse(manifest.File, out var parsed, out _) ? parsed!.Value : manifest.File;
        if (files.Sha256(scope.File, path, CalicoSpec.MaxOperatorManifestBytes) is { } actual && actual != sha256)
        {
            // Both hashes, never the content: the file may be anything the path led to.
            scope.Error(field + ".file", $"operator manifest {Printable.Quote(path)} has SHA-256 {actual}; expected {sha256} (its sha256)");
        }
    }

    private static string? CheckSha256(ValidationScope scope, string text, string field)
    {
        if (IsSha256(text))
        {
            return text;
        }

        var canonical = text.Trim().ToLowerInvariant();
        scope.Error(field, IsSha256(canonical)
            ? $"{Printable.Quote(text)} is not in canonical form; expected {canonical}"
            : $"{Printable.Quote(text)} is not a SHA-256; expected 64 lower-case hex digits, as sha256sum prints them");
        return null;
    }

    internal static bool IsSha256(string text) =>
        text.Length == 64 && text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
