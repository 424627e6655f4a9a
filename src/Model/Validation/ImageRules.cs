using HaKube.Model.Api;
using HaKube.Model.Values;

namespace HaKube.Model.Validation;

internal static class ImageRules
{
    public static void Check(ValidationScope scope)
    {
        if (scope.Spec.Images is not { } images)
        {
            return;
        }

        if (images.Repository is { } repository && !ImageRepository.TryParse(repository, out _, out var problem))
        {
            scope.Error("spec.images.repository", problem);
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < images.RegistryMirrors.Count; i++)
        {
            var mirror = images.RegistryMirrors[i];
            var field = $"spec.images.registryMirrors[{i}]";
            if (!RegistryHost.TryParse(mirror.Registry, out _, out var registryProblem))
            {
                scope.Error(field + ".registry", registryProblem);
            }
            else if (!seen.TryAdd(mirror.Registry, i))
            {
                scope.Error(field + ".registry", $"registry {Printable.Quote(mirror.Registry)} already has a mirror in registryMirrors[{seen[mirror.Registry]}]; expected one entry per registry");
            }

            if (!HttpUrl.TryParse(mirror.Url, out var url, out var urlProblem))
            {
                scope.Error(field + ".url", urlProblem);
            }
            else if (url!.Scheme == "http" && (mirror.CaFile is not null || mirror.CaSecretRef is not null))
            {
                scope.Error(field + ".url", $"{Printable.Quote(mirror.Url)} is plain http, so a CA is never used; expected an https URL with the CA, or no CA");
            }

            ReferencedSourceRules.Check(scope, mirror.CaFile, mirror.CaSecretRef, field + ".ca", "CA file", ImagesSpec.MaxCaBytes);
        }
    }
}
