using HaKube.Actions.Ssh;

namespace HaKube.Tests.Lab;

/// <summary>A lab test class on <c>count</c> lab hosts started with <c>options</c> (its own addresses and folder).</summary>
public abstract class LabHostsFixture(int count, LabOptions options) : LabFixture
{
    private LabHosts? _lab;
    private SshPrivateKey? _clientKey;

    protected LabHosts Lab => _lab ?? throw NotStarted();

    /// <summary>The private key every lab host accepts, loaded for HaKube's SSH client.</summary>
    protected SshPrivateKey ClientKey => _clientKey ?? throw NotStarted();

    /// <summary>Starts the hosts; a class that needs more calls this first.</summary>
    protected override async Task StartAsync()
    {
        _lab = Own(await LabHosts.StartAsync(count, options, CancellationToken.None));
        _clientKey = Own(SshPrivateKey.FromFile(_lab.ClientKeyPath));
    }

    private static InvalidOperationException NotStarted() => new("the lab did not start: see the one-time set-up's failure");
}
