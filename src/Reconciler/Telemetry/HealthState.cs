namespace HaKube.Reconciler.Telemetry;

/// <summary>
/// What /healthz and /readyz answer. Live while the daemon's loop has not failed; ready once this
/// daemon holds the leader lock and has read its manifests. A standby daemon is live but not ready,
/// so a Service in front of several replicas sends scrapes to the one that acts.
/// </summary>
public sealed class HealthState
{
    private volatile string? _notLive;
    private volatile string? _notReady = "starting";

    public bool IsLive => _notLive is null;

    public bool IsReady => _notReady is null && _notLive is null;

    /// <summary>Why the daemon is not live, or null.</summary>
    public string? NotLiveReason => _notLive;

    /// <summary>Why the daemon is not ready, or null.</summary>
    public string? NotReadyReason => _notLive ?? _notReady;

    public void SetReady() => _notReady = null;

    public void SetNotReady(string reason) => _notReady = reason;

    public void SetFailed(string reason) => _notLive = reason;
}
