using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// An end-to-end test class on a <see cref="LabCluster"/>: <c>count</c> lab hosts started with
/// <c>options</c> and the manifest <c>manifest</c> renders for them.
/// </summary>
public abstract class LabClusterFixture(int count, LabOptions options, Func<IReadOnlyList<LabHost>, string> manifest) : LabFixture
{
    private LabCluster? _cluster;

    private protected LabCluster Cluster => _cluster ?? throw new InvalidOperationException("the lab did not start: see the one-time set-up's failure");

    protected LabHosts Lab => Cluster.Lab;

    /// <summary>Starts the cluster's hosts and writes its manifest; a class that needs more calls this first.</summary>
    protected override async Task StartAsync() => _cluster = Own(await LabCluster.StartAsync(count, options, manifest));
}
