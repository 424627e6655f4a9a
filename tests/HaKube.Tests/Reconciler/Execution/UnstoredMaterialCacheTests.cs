using HaKube.Actions.Steps;
using HaKube.Reconciler.Execution;
using HaKube.Tests.Actions.Pki;
using HaKube.Tests.Model.Planning;

namespace HaKube.Tests.Reconciler.Execution;

public sealed class UnstoredMaterialCacheTests
{
    private static readonly ClusterMaterial Material = new(TestPki.Authorities, null);

    [Test]
    public async Task GetOrMakeAsync_SameSpecTwice_MakesOnce()
    {
        var cache = new UnstoredMaterialCache();
        var made = 0;

        var first = await cache.GetOrMakeAsync(Clusters.Spec(), () => { made++; return Task.FromResult(Material); });
        var second = await cache.GetOrMakeAsync(Clusters.Spec(), () => { made++; return Task.FromResult(Material with { }); });

        Assert.Multiple(() =>
        {
            Assert.That(made, Is.EqualTo(1));
            Assert.That(second, Is.SameAs(first));
        });
    }

    [Test]
    public async Task GetOrMakeAsync_SpecChanged_MakesAnew()
    {
        var cache = new UnstoredMaterialCache();
        var made = 0;
        await cache.GetOrMakeAsync(Clusters.Spec(), () => { made++; return Task.FromResult(Material); });

        await cache.GetOrMakeAsync(Clusters.Spec(workers: 3), () => { made++; return Task.FromResult(Material); });

        Assert.That(made, Is.EqualTo(2));
    }

    [Test]
    public async Task GetOrMakeAsync_MakeFailedOrForgotten_MakesAnew()
    {
        var cache = new UnstoredMaterialCache();
        var made = 0;
        Assert.That(() => cache.GetOrMakeAsync(Clusters.Spec(), () => Task.FromException<ClusterMaterial>(new IOException("store unreadable"))), Throws.InstanceOf<IOException>());
        await cache.GetOrMakeAsync(Clusters.Spec(), () => { made++; return Task.FromResult(Material); });

        cache.Forget(Clusters.Spec());
        await cache.GetOrMakeAsync(Clusters.Spec(), () => { made++; return Task.FromResult(Material); });

        Assert.That(made, Is.EqualTo(2));
    }
}
