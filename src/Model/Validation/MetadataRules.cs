using HaKube.Model.Api;

namespace HaKube.Model.Validation;

/// <summary>apiVersion, kind, metadata and the Kubernetes version.</summary>
internal static class MetadataRules
{
    public static void Check(ValidationScope scope)
    {
        var cluster = scope.Cluster;
        if (cluster.ApiVersion != HaCluster.GroupVersion)
        {
            scope.Error("apiVersion", $"unsupported apiVersion \"{cluster.ApiVersion}\"; expected {HaCluster.GroupVersion}");
        }

        if (cluster.Kind != HaCluster.KindName)
        {
            scope.Error("kind", $"unsupported kind \"{cluster.Kind}\"; expected {HaCluster.KindName}");
        }

        if (!Syntax.IsDns1123Subdomain(cluster.Metadata.Name))
        {
            scope.Error("metadata.name", $"\"{cluster.Metadata.Name}\" is not a DNS-1123 subdomain; expected lower-case letters, digits, '-' and '.', starting and ending with a letter or digit");
        }

        CheckVersion(scope);
        if (scope.Spec.CertificateRenewalDays is < 1 or > 300)
        {
            scope.Error("spec.certificateRenewalDays", $"{scope.Spec.CertificateRenewalDays} is out of range; expected 1 to 300 days (leaf certificates live 365 days)");
        }
    }

    private static void CheckVersion(ValidationScope scope)
    {
        var text = scope.Spec.KubernetesVersion;
        if (!KubernetesVersion.TryParse(text, out var version))
        {
            scope.Error("spec.kubernetesVersion", $"\"{text}\" is not a Kubernetes version; expected vMAJOR.MINOR.PATCH, for example v1.31.4");
            return;
        }

        if (version < KubernetesVersion.MinimumSupported)
        {
            scope.Error("spec.kubernetesVersion", $"{version} is older than the oldest supported release; expected {KubernetesVersion.MinimumSupported.MinorTag} or newer");
        }
        else if (version.Major > 1 || version.Minor > KubernetesVersion.MaximumSupportedMinor.Minor)
        {
            scope.Error("spec.kubernetesVersion", $"{version} is newer than this HaKube supports; expected {KubernetesVersion.MaximumSupportedMinor.MinorTag} or older");
        }
    }
}
