using HaKube.Model.Api;
using HaKube.Model.Inventory;
using HaKube.Tests.Model.Planning;

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
        IReadOnlyList<ManagedHost> inventory = [Host("cp1", "10.0.0.10", HostRole.ControlPlane) with { SshPort = 2222 }, Host("cp9", "10.0.0.90", HostRole.ControlPlane)];

        var after = ClusterInventory.Remember(inventory, spec, [Host("cp1", "10.0.0.10", HostRole.ControlPlane), Host("cp2", "10.0.0.11", HostRole.ControlPlane)]);

        Assert.Multiple(() =>
        {
            Assert.That(after.Select(h => (h.Name, h.Address)), Is.EqualTo(new[] { ("cp1", "10.0.0.10"), ("cp9", "10.0.0.90"), ("cp2", "10.0.0.11") }));
            Assert.That(after[0].SshPort, Is.EqualTo(22));
        });
    }

    [Test]
    public void Remember_SpecHostWhoseRolesChanged_KeepsTheRolesSetUpUntilTheyAreRetired()
    {
        var spec = Clusters.Spec(controlPlanes: 3, workers: 1).Spec;
        spec = spec with { Hosts = spec.Hosts.Select(h => h.Name == "w1" ? h with { Roles = [HostRole.ControlPlane] } : h).ToList() };
        var address = spec.Hosts.Single(h => h.Name == "w1").Address;
        IReadOnlyList<ManagedHost> inventory = [Host("w1", address, HostRole.Worker) with { SshPort = 2222 }];

        var remembered = ClusterInventory.Remember(inventory, spec, [Host("w1", address, HostRole.ControlPlane)]);
        var setUp = ClusterInventory.SetUpRoles(remembered, spec);
        var retired = ClusterInventory.Retire(remembered, spec, "w1", address, HostRole.Worker);

        Assert.Multiple(() =>
        {
            // A worker node that becomes a control plane is reset and joins again: Worker stays until that is done.
            Assert.That(remembered.Single().Roles, Is.EqualTo(new[] { HostRole.Worker }));
            Assert.That(remembered.Single().SshPort, Is.EqualTo(22), "the rest of the entry follows the spec");
            Assert.That(setUp.Keys, Is.EqualTo(new[] { "w1" }));
            Assert.That(setUp["w1"], Is.EqualTo(new[] { HostRole.Worker }));
            Assert.That(retired.Single().Roles, Is.EqualTo(new[] { HostRole.ControlPlane }), "nothing left to clean up: the spec's roles");
            Assert.That(ClusterInventory.SetUpRoles(retired, spec), Is.Empty);
        });
    }

    [Test]
    public void Retire_OneOfTwoOldRoles_KeepsTheOther()
    {
        var spec = Clusters.Spec(controlPlanes: 3, workers: 1, etcdHosts: 3).Spec;
        spec = spec with { Hosts = spec.Hosts.Select(h => h.Name == "lb1" ? h with { Roles = [HostRole.Worker] } : h).ToList() };
        var address = spec.Hosts.Single(h => h.Name == "lb1").Address;
        // lb1 was a load balancer and a control plane (HAProxy on another port), and is a worker now.
        IReadOnlyList<ManagedHost> inventory = [Host("lb1", address, HostRole.ControlPlane, HostRole.LoadBalancer)];

        var afterLoadBalancer = ClusterInventory.Retire(inventory, spec, "lb1", address, HostRole.LoadBalancer);
        var afterControlPlane = ClusterInventory.Retire(afterLoadBalancer, spec, "lb1", address, HostRole.ControlPlane);

        Assert.Multiple(() =>
        {
            Assert.That(afterLoadBalancer.Single().Roles, Is.EqualTo(new[] { HostRole.ControlPlane }));
            Assert.That(afterControlPlane.Single().Roles, Is.EqualTo(new[] { HostRole.Worker }));
        });
    }

    [Test]
    public void Remember_RefusedRoleChange_KeepsTheRolesSetUp()
    {
        var spec = Clusters.Spec(controlPlanes: 3, workers: 1).Spec;
        spec = spec with { Hosts = spec.Hosts.Select(h => h.Name == "cp1" ? h with { Roles = [HostRole.ControlPlane, HostRole.Worker] } : h).ToList() };
        IReadOnlyList<ManagedHost> inventory = [Host("cp1", "10.0.0.10", HostRole.ControlPlane)];

        var after = ClusterInventory.Remember(inventory, spec, [Host("cp1", "10.0.0.10", HostRole.ControlPlane, HostRole.Worker)]);

        Assert.Multiple(() =>
        {
            Assert.That(after.Single().Roles, Is.EqualTo(new[] { HostRole.ControlPlane }));
            Assert.That(ClusterInventory.SetUpRoles(after, spec)["cp1"], Is.EqualTo(new[] { HostRole.ControlPlane }));
        });
    }

    [Test]
    public void Remember_RoleAddedThatNeedsNoCleanup_TakesTheSpecsRoles()
    {
        var spec = Clusters.Spec(controlPlanes: 3, workers: 1).Spec;
        var address = spec.Hosts.Single(h => h.Name == "w1").Address;
        spec = spec with { Hosts = spec.Hosts.Select(h => h.Name == "w1" ? h with { Roles = [HostRole.Worker, HostRole.LoadBalancer] } : h).ToList() };
        IReadOnlyList<ManagedHost> inventory = [Host("w1", address, HostRole.Worker)];

        var after = ClusterInventory.Remember(inventory, spec, [Host("w1", address, HostRole.Worker, HostRole.LoadBalancer)]);

        Assert.Multiple(() =>
        {
            Assert.That(after.Single().Roles, Is.EqualTo(new[] { HostRole.Worker, HostRole.LoadBalancer }));
            Assert.That(ClusterInventory.SetUpRoles(after, spec), Is.Empty);
        });
    }

    [Test]
    public void Remember_SpecHostReachedAtANewAddress_KeepsTheOldMachineAsAPreviousOne()
    {
        var spec = Clusters.Spec(controlPlanes: 3, workers: 1).Spec;
        IReadOnlyList<ManagedHost> inventory = [Host("cp1", "10.0.0.1", HostRole.ControlPlane), Host("cp9", "10.0.0.90", HostRole.ControlPlane)];

        var after = ClusterInventory.Remember(inventory, spec, [Host("cp1", "10.0.0.10", HostRole.ControlPlane) with { HostKeys = ["ssh-ed25519 AAAAnew"] }]);

        Assert.Multiple(() =>
        {
            Assert.That(after.Select(h => (h.Name, h.Address)), Is.EqualTo(new[] { ("cp1", "10.0.0.1"), ("cp9", "10.0.0.90"), ("cp1", "10.0.0.10") }));
            Assert.That(ClusterInventory.Previous(after, spec).Select(h => (h.Name, h.Address)), Is.EqualTo(new[] { ("cp1", "10.0.0.1") }));
            Assert.That(ClusterInventory.Departing(after, spec).Select(h => h.Name), Is.EqualTo(new[] { "cp9" }));
        });
    }

    [Test]
    public void Remember_OldAddressPresentsTheNewEntrysHostKey_IsTheSameMachineAndIsDropped()
    {
        var spec = Clusters.Spec(controlPlanes: 3, workers: 1).Spec;
        IReadOnlyList<ManagedHost> inventory = [Host("cp1", "10.0.0.1", HostRole.ControlPlane)];

        // The same key at both addresses: one machine with two addresses, never reset as an old one.
        var after = ClusterInventory.Remember(inventory, spec, [Host("cp1", "10.0.0.10", HostRole.ControlPlane)]);

        Assert.Multiple(() =>
        {
            Assert.That(after.Select(h => (h.Name, h.Address)), Is.EqualTo(new[] { ("cp1", "10.0.0.10") }));
            Assert.That(ClusterInventory.Previous(after, spec), Is.Empty);
        });
    }

    [Test]
    public void Remember_OldAddressNowAnotherSpecHosts_IsDropped()
    {
        var spec = Clusters.Spec(controlPlanes: 3, workers: 1).Spec;
        // cp1 used to be at cp2's address (10.0.0.11): that address is cp2's machine now.
        IReadOnlyList<ManagedHost> inventory = [Host("cp1", "10.0.0.11", HostRole.ControlPlane) with { HostKeys = ["ssh-ed25519 AAAAold"] }];

        var after = ClusterInventory.Remember(inventory, spec, [Host("cp1", "10.0.0.10", HostRole.ControlPlane)]);

        Assert.That(after.Select(h => (h.Name, h.Address)), Is.EqualTo(new[] { ("cp1", "10.0.0.10") }));
    }

    [Test]
    public void Previous_NewAddressNeverAnswered_OldMachineIsNotPrevious()
    {
        var spec = Clusters.Spec(controlPlanes: 3, workers: 1).Spec;
        // The spec says 10.0.0.10 for cp1 (perhaps a typo), nothing answered there yet: the machine at 10.0.0.1 is left alone.
        IReadOnlyList<ManagedHost> inventory = [Host("cp1", "10.0.0.1", HostRole.ControlPlane)];

        Assert.Multiple(() =>
        {
            Assert.That(ClusterInventory.Previous(inventory, spec), Is.Empty);
            Assert.That(ClusterInventory.Departing(inventory, spec), Is.Empty);
        });
    }

    [Test]
    public void Previous_AtASpecAddressOrOnlyALoadBalancer_IsNeverPrevious()
    {
        var spec = Clusters.Spec(controlPlanes: 3, workers: 1).Spec;
        IReadOnlyList<ManagedHost> inventory =
        [
            Host("cp1", "10.0.0.12", HostRole.ControlPlane), Host("cp1", "10.0.0.10", HostRole.ControlPlane),
            Host("lb1", "10.0.0.99", HostRole.LoadBalancer), Host("lb1", spec.Hosts.Single(h => h.Name == "lb1").Address, HostRole.LoadBalancer),
        ];

        Assert.That(ClusterInventory.Previous(inventory, spec), Is.Empty);
    }

    [Test]
    public void Departing_NameWithTwoMachines_TheLastIsDepartingTheOtherPrevious()
    {
        var spec = Clusters.Spec(controlPlanes: 3, workers: 1).Spec;
        IReadOnlyList<ManagedHost> inventory = [Host("w9", "10.0.0.98", HostRole.Worker), Host("cp1", "10.0.0.10", HostRole.ControlPlane), Host("w9", "10.0.0.99", HostRole.Worker)];

        Assert.Multiple(() =>
        {
            Assert.That(ClusterInventory.Departing(inventory, spec).Select(h => (h.Name, h.Address)), Is.EqualTo(new[] { ("w9", "10.0.0.99") }));
            Assert.That(ClusterInventory.Previous(inventory, spec).Select(h => (h.Name, h.Address)), Is.EqualTo(new[] { ("w9", "10.0.0.98") }));
        });
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
    public void Forget_OneMachineOfAName_LeavesTheOthersOfThatName()
    {
        IReadOnlyList<ManagedHost> inventory = [Host("cp1", "10.0.0.10", HostRole.ControlPlane), Host("w9", "10.0.0.98", HostRole.Worker), Host("w9", "10.0.0.99", HostRole.Worker)];

        var after = ClusterInventory.Forget(inventory, "w9", "10.0.0.99");

        Assert.Multiple(() =>
        {
            Assert.That(after.Select(h => (h.Name, h.Address)), Is.EqualTo(new[] { ("cp1", "10.0.0.10"), ("w9", "10.0.0.98") }));
            Assert.That(ClusterInventory.Same(after, inventory), Is.False);
            Assert.That(ClusterInventory.Same(inventory, [.. inventory]), Is.True);
        });
    }
}
