using HaKube.Model.Api;
using HaKube.Model.Values;

namespace HaKube.Model.Validation;

internal static class MetadataRules
{
    private const int MaxAnnotationBytes = 256 * 1024;

    public static void Check(ValidationScope scope)
    {
        var cluster = scope.Cluster;
        if (cluster.ApiVersion != HaCluster.GroupVersion)
        {
            scope.Error("apiVersion", $"unsupported apiVersion {Printable.Quote(cluster.ApiVersion)}; expected {HaCluster.GroupVersion}");
        }

        if (cluster.Kind != HaCluster.KindName)
        {
            scope.Error("kind", $"unsupported kind {Printable.Quote(cluster.Kind)}; expected {HaCluster.KindName}");
        }

        if (!Syntax.IsDns1123Subdomain(cluster.Metadata.Name))
        {
            scope.Error("metadata.name",
                $"{Printable.Quote(cluster.Metadata.Name)} is not a DNS-1123 subdomain; expected lower-case letters, digits, '-' and '.', starting and ending with a letter or digit");
        }

        if (cluster.Metadata.Namespace is { } ns && !Syntax.IsDns1123Label(ns))
        {
            scope.Error("metadata.namespace", $"{Printable.Quote(ns)} is not a namespace name; expected a DNS-1123 label (at most 63 lower-case letters, digits and '-')");
        }

        HostRules.CheckLabels(scope, cluster.Metadata.Labels, "metadata.labels");
        CheckAnnotations(scope, cluster.Metadata.Annotations);
        CheckVersion(scope);
        if (scope.Spec.CertificateRenewalDays is < 1 or > 300)
        {
            scope.Error("spec.certificateRenewalDays", $"{scope.Spec.CertificateRenewalDays} is out of range; expected 1 to 300 days (leaf certificates live 365 days)");
        }
    }

    // The API server's own bound: all annotations of an object together at most 256 KiB.
    private static void CheckAnnotations(ValidationScope scope, IReadOnlyDictionary<string, string>? annotations)
    {
        var total = 0L;
        foreach (var (key, value) in annotations ?? new Dictionary<string, string>())
        {
            if (!LabelKey.TryParse(key, out _, out var problem))
            {
                scope.Error(Loading.SourceMap.KeyPath("metadata.annotations", key), problem.Replace("label key", "annotation key", StringComparison.Ordinal));
            }

            total += key.Length + value.Length;
        }

        if (total > MaxAnnotationBytes)
        {
            scope.Error("metadata.annotations", $"annotations hold {total} characters; expected at most {MaxAnnotationBytes} in all, as the API server allows");
        }
    }

    private static void CheckVersion(ValidationScope scope)
    {
        var text = scope.Spec.KubernetesVersion;
        if (!KubernetesVersion.TryParse(text, out var version))
        {
            scope.Error("spec.kubernetesVersion", $"{Printable.Quote(text)} is not a Kubernetes version; expected vMAJOR.MINOR.PATCH, for example v1.31.4");
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
