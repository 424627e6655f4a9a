namespace HaKube.Tests.Lab;

/// <summary>A lab test class on <c>count</c> lab hosts started with <c>options</c> (its own addresses and folder).</summary>
public abstract class LabHostsFixture(int count, LabOptions options) : LabFixture
{
    private LabHosts? _lab;

    protected LabHosts Lab => _lab ?? throw new InvalidOperationException("the lab did not start: see the one-time set-up's failure");

    /// <summary>Starts the hosts; a class that needs more calls this first.</summary>
    protected override async Task StartAsync() => _lab = Own(await LabHosts.StartAsync(count, options, CancellationToken.None));
}
