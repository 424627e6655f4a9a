namespace HaKube.Actions.Ssh;

/// <summary>The defaults suit a LAN of a few hundred hosts.</summary>
public sealed record SshSettings
{
    /// <summary>Per attempt.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>For connect-level faults only.</summary>
    public int ConnectRetries { get; init; } = 2;

    public TimeSpan ConnectRetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Keeps NAT and firewalls from dropping idle pooled connections, and finds dead ones.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

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
