namespace HaKube.Reconciler.Kubernetes;

/// <summary>Custom-resource mode's settings; the reconcile settings shared with directory mode stay in DaemonOptions.</summary>
public sealed record KubernetesOptions
{
    /// <summary>The namespace whose HaClusters are managed, and where the Lease lives.</summary>
    public required string Namespace { get; init; }

    /// <summary>This daemon's name in the Lease: the pod name in a pod.</summary>
    public required string Identity { get; init; }

    /// <summary>The Lease that elects the one acting daemon. Default hakube-leader.</summary>
    public string LeaseName { get; init; } = "hakube-leader";

    /// <summary>A standby takes over this long after the leader stopped renewing. Default 15 s (client-go's default).</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The leader gives up if it could not renew for this long. Default 10 s.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the Lease is tried or renewed. Default 2 s.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
