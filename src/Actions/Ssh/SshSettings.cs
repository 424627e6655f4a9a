namespace HaKube.Actions.Ssh;

/// <summary>Tunables of the SSH transport; the defaults suit a LAN of a few hundred hosts.</summary>
public sealed record SshSettings
{
    /// <summary>TCP connect plus SSH handshake, per attempt.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Connect attempts after the first, for connect-level faults only.</summary>
    public int ConnectRetries { get; init; } = 2;

    public TimeSpan ConnectRetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>SSH keep-alives keep NAT and firewalls from dropping idle pooled connections, and find dead ones.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Hosts worked on at once, across all clusters sharing the pool (handshakes are CPU-bound).</summary>
    public int MaxParallelHosts { get; init; } = 32;

    /// <summary>
    /// A pooled session no target has used for this long is closed: its host left every spec, or its
    /// target changed (another user, key, or host keys, say a key revoked in known_hosts), so that no
    /// session outlives the trust it was opened under. Far above any resync interval.
    /// </summary>
    public TimeSpan IdleRetirement { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Cap on stdout and on stderr kept per command.</summary>
    public int MaxCaptureBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Cap on a downloaded file.</summary>
    public int MaxDownloadBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>How often output is drained while a command runs (bounds memory for chatty commands).</summary>
    public TimeSpan OutputPollInterval { get; init; } = TimeSpan.FromMilliseconds(25);
}
