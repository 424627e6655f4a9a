using System.Runtime.Versioning;
using HaKube.Actions.State;
using HaKube.Model.Api;
using HaKube.Model.Inventory;

namespace HaKube.Tests.Actions.State;

[TestFixture]
[SupportedOSPlatform("linux")]
public sealed class InventoryStoreTests
{
    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("hakube-inventory-").FullName;

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task LoadInventory_NothingSaved_IsEmpty()
    {
        var store = new ClusterStateStore(_root, "demo");

        Assert.That(await store.LoadInventoryAsync(CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task UpdateInventory_ThenLoadInANewStore_ReadsTheSameHostsWithRolesByName()
    {
        var host = new ManagedHost("cp4", "10.0.0.40", [HostRole.ControlPlane, HostRole.Worker], 2222, ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO9teL6ozH91OxOpa9m5hs9zLang/LmYoW7v58EbFC//"]);
        await new ClusterStateStore(_root, "demo").UpdateInventoryAsync(_ => [host], CancellationToken.None);

        var loaded = await new ClusterStateStore(_root, "demo").LoadInventoryAsync(CancellationToken.None);
        var text = await File.ReadAllTextAsync(Path.Combine(_root, "clusters", "demo", "inventory.json"));

        Assert.Multiple(() =>
        {
            Assert.That(loaded.Single().Equivalent(host), Is.True);
            Assert.That(text, Does.Contain("\"ControlPlane\""));
            Assert.That(File.GetUnixFileMode(Path.Combine(_root, "clusters", "demo", "inventory.json")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        });
    }
}
