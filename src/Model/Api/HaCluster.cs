using System.ComponentModel;

namespace HaKube.Model.Api;

/// <summary>The object users declare, as a YAML file (directory mode) or a custom resource.</summary>
[Description("A highly available Kubernetes cluster built and kept by HaKube on hosts it reaches over SSH.")]
public sealed record HaCluster
{
    public const string GroupVersion = "hakube.io/v1alpha1";

    public const string KindName = "HaCluster";

    [Description("Must be hakube.io/v1alpha1.")]
    public required string ApiVersion { get; init; }

    [Description("Must be HaCluster.")]
    public required string Kind { get; init; }

    [Description("Standard object metadata; the name is the cluster's name.")]
    public required ObjectMeta Metadata { get; init; }

    [Description("The desired state of the cluster.")]
    public required HaClusterSpec Spec { get; init; }
}
