namespace HaKube.Actions.Ssh;

/// <summary>The defaults suit a LAN of a few hundred hosts.</summary>
public sealed record SshSettings
{
    /// <summary>Per attempt.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>For connect-level faults only.</summary>
    public int ConnectRetries { get; init; } = 2;

    public TimeSpan ConnectRetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Keeps NAT and firewalls from dropping idle pooled connections. A minute is well inside the idle
    /// timeouts they keep for TCP (minutes: 350 s on an AWS NAT gateway, 4 min on Azure's load balancer)
    /// and costs a quarter of 15 s: the timer fires on every connection whether it is busy or not, and
    /// at 15 s a daemon keeping 300 idle connections spent 8 ms of CPU a second, 2 ms at 60 s. A
    /// session that ended unseen in between (its host rebooted) is found by the next command, which
    /// then starts on a new session (SshConnection).
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Across all clusters sharing the pool; handshakes are CPU-bound.</summary>
    public int MaxParallelHosts { get; init; } = 32;

    /// <summary>So no session outlives the trust it was opened under; far above any resync interval.</summary>
    public TimeSpan IdleRetirement { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Per stream, per command.</summary>
    public int MaxCaptureBytes { get; init; } = 4 * 1024 * 1024;

    public int MaxDownloadBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Bounds memory for chatty commands.</summary>
    public TimeSpan OutputPollInterval { get; init; } = TimeSpan.FromMilliseconds(25);
}
