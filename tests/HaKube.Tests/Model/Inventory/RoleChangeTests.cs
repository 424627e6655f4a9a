using HaKube.Model.Api;
using HaKube.Model.Inventory;

namespace HaKube.Tests.Model.Inventory;

public sealed class RoleChangeTests
{
    private const HostRole Cp = HostRole.ControlPlane;
    private const HostRole W = HostRole.Worker;
    private const HostRole E = HostRole.Etcd;
    private const HostRole Lb = HostRole.LoadBalancer;

    private static IEnumerable<TestCaseData> Supported()
    {
        yield return new TestCaseData(new[] { Lb }, new[] { W }, new[] { Lb }).SetName("Between_LoadBalancerBecomesWorker_RetiresLoadBalancer");
        yield return new TestCaseData(new[] { W }, new[] { Cp }, new[] { W }).SetName("Between_WorkerBecomesControlPlane_RetiresTheWorkerNode");
        yield return new TestCaseData(new[] { W }, new[] { Cp, W }, new[] { W }).SetName("Between_WorkerBecomesSchedulableControlPlane_RetiresTheWorkerNode");
        yield return new TestCaseData(new[] { Cp }, new[] { W }, new[] { Cp }).SetName("Between_ControlPlaneBecomesWorker_RetiresControlPlane");
        yield return new TestCaseData(new[] { Cp, W }, new[] { W }, new[] { Cp }).SetName("Between_SchedulableControlPlaneBecomesWorker_RetiresControlPlane");
        yield return new TestCaseData(new[] { E }, new[] { W }, new[] { E }).SetName("Between_EtcdHostBecomesWorker_RetiresEtcd");
        yield return new TestCaseData(new[] { W }, new[] { E }, new[] { W }).SetName("Between_WorkerBecomesEtcdHost_RetiresTheWorkerNode");
        yield return new TestCaseData(new[] { Cp, Lb }, new[] { W }, new[] { Lb, Cp }).SetName("Between_ControlPlaneAndLoadBalancerBecomesWorker_RetiresBothLoadBalancerFirst");
        yield return new TestCaseData(new[] { W, E }, new[] { W }, new[] { E }).SetName("Between_WorkerAndEtcdHostDropsEtcd_RetiresEtcdOnly");
    }

    [TestCaseSource(nameof(Supported))]
    public void Between_SupportedChange_RetiresTheOldRolesInOrder(HostRole[] setUp, HostRole[] wanted, HostRole[] retiring)
    {
        var change = RoleChange.Between(setUp, wanted);

        Assert.Multiple(() =>
        {
            Assert.That(change.Retiring, Is.EqualTo(retiring));
            Assert.That(change.Unsupported, Is.Null);
        });
    }

    [TestCase(new[] { W }, new[] { W, Lb })]
    [TestCase(new[] { Lb }, new[] { Lb, W })]
    [TestCase(new[] { E }, new[] { E, W })]
    [TestCase(new[] { Cp }, new[] { Cp })]
    public void Between_RolesOnlyAdded_IsNone(HostRole[] setUp, HostRole[] wanted) =>
        Assert.That(RoleChange.Between(setUp, wanted).IsNone, Is.True);

    [TestCase(new[] { Cp }, new[] { Cp, W }, "remove the taint yourself")]
    [TestCase(new[] { Cp, W }, new[] { Cp }, "taint the node yourself")]
    [TestCase(new[] { W, E }, new[] { E }, "external etcd member")]
    [TestCase(new[] { W, E }, new[] { Cp }, "external etcd member")]
    public void Between_ChangeNotMadeInPlace_IsRefusedWithItsReason(HostRole[] setUp, HostRole[] wanted, string reason)
    {
        var change = RoleChange.Between(setUp, wanted);

        Assert.Multiple(() =>
        {
            Assert.That(change.Retiring, Is.Empty);
            Assert.That(change.Unsupported, Does.Contain(reason));
        });
    }
}
