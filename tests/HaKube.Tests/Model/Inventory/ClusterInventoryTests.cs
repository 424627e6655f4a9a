using HaKube.Model.Api;
using HaKube.Model.Inventory;
using HaKube.Tests.Reconciler.Planning;

namespace HaKube.Tests.Model.Inventory;

public sealed class ClusterInventoryTests
{
    private static ManagedHost Host(string name, string address, params HostRole[] roles) => new(name, address, roles, 22, ["ssh-ed25519 AAAA" + name]);

    [Test]
    public void Departing_HostsRemovedFromTheSpec_AreTheRememberedOnesNotInTheSpec()
    {
        var spec = Clusters.Spec(controlPlanes: 3, workers: 1).Spec;
        IReadOnlyList<ManagedHost> inventory = [Host("cp1", "10.0.0.10", HostRole.ControlPlane), Host("cp4", "10.0.0.40", HostRole.ControlPlane), Host("w9", "10.0.0.99", HostRole.Worker)];

        var departing = ClusterInventory.Departing(inventory, spec);

        Assert.That(departing.Select(h => h.Name), Is.EqualTo(new[] { "cp4", "w9" }));
    }

    [Test]
    public void Remember_ReachedSpecHosts_AddsNewOnesReplacesChangedOnesAndKeepsDepartingOnes()
    {
        var spec = Clusters.Spec(controlPlanes: 3, workers: 1).Spec;
        IReadOnlyList<ManagedHost> inventory = [Host("cp1", "10.0.0.1", HostRole.ControlPlane), Host("cp9", "10.0.0.90", HostRole.ControlPlane)];

        var after = ClusterInventory.Remember(inventory, spec, [Host("cp1", "10.0.0.10", HostRole.ControlPlane), Host("cp2", "10.0.0.11", HostRole.ControlPlane)]);

        Assert.That(after.Select(h => (h.Name, h.Address)), Is.EqualTo(new[] { ("cp1", "10.0.0.10"), ("cp9", "10.0.0.90"), ("cp2", "10.0.0.11") }));
    }

    [Test]
    public void Remember_ReachedHostNotInTheSpec_IsNotAdded()
    {
        var spec = Clusters.Spec().Spec;

        var after = ClusterInventory.Remember([], spec, [Host("stranger", "10.0.0.99", HostRole.Worker)]);

        Assert.That(after, Is.Empty);
    }

    [Test]
    public void Remember_DepartingLoadBalancerOnly_IsKeptUntilItsRemovalForgetsIt()
    {
        var spec = Clusters.Spec().Spec;
        IReadOnlyList<ManagedHost> inventory = [Host("lb9", "10.0.0.95", HostRole.LoadBalancer), Host("w9", "10.0.0.99", HostRole.Worker)];

        var after = ClusterInventory.Remember(inventory, spec, []);

        Assert.That(after.Select(h => h.Name), Is.EqualTo(new[] { "lb9", "w9" }));
        Assert.That(ClusterInventory.Departing(after, spec).Select(h => h.Name), Is.EqualTo(new[] { "lb9", "w9" }));
    }

    [Test]
    public void Forget_RemovedHost_LeavesTheOthers()
    {
        IReadOnlyList<ManagedHost> inventory = [Host("cp1", "10.0.0.10", HostRole.ControlPlane), Host("w9", "10.0.0.99", HostRole.Worker)];

        var after = ClusterInventory.Forget(inventory, "w9");

        Assert.Multiple(() =>
        {
            Assert.That(after.Select(h => h.Name), Is.EqualTo(new[] { "cp1" }));
            Assert.That(ClusterInventory.Same(after, inventory), Is.False);
            Assert.That(ClusterInventory.Same(inventory, [.. inventory]), Is.True);
        });
    }
}
