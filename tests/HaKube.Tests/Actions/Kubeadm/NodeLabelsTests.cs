using HaKube.Actions.Kubeadm;

namespace HaKube.Tests.Actions.Kubeadm;

public sealed class NodeLabelsTests
{
    [TestCase("zone", true)]
    [TestCase("example.com/rack", true)]
    [TestCase("topology.kubernetes.io/zone", true)]
    [TestCase("kubernetes.io/arch", true)]
    [TestCase("node.kubernetes.io/instance-type", true)]
    [TestCase("node.kubernetes.io/anything", true)]
    [TestCase("team.kubelet.kubernetes.io/x", true)]
    [TestCase("node-role.kubernetes.io/worker", false)]
    [TestCase("node-role.kubernetes.io/control-plane", false)]
    [TestCase("node-restriction.kubernetes.io/dedicated", false)]
    [TestCase("kubernetes.io/role", false)]
    [TestCase("example.k8s.io/x", false)]
    [TestCase("k8s.io/x", false)]
    [TestCase("notkubernetes.io/x", true)]
    public void IsKubeletSettable_Key_FollowsTheKubeletsSelfLabelRule(string key, bool expected)
    {
        Assert.That(NodeLabels.IsKubeletSettable(key), Is.EqualTo(expected));
    }

    [Test]
    public void SetByKubeletAndSetThroughApi_MixedLabels_SplitAndSortByKey()
    {
        var labels = new Dictionary<string, string>
        {
            ["zone"] = "a",
            ["node-role.kubernetes.io/worker"] = "",
            ["disk"] = "ssd",
            ["node-role.kubernetes.io/infra"] = "",
        };

        Assert.Multiple(() =>
        {
            Assert.That(NodeLabels.SetByKubelet(labels).Select(l => l.Key), Is.EqualTo(new[] { "disk", "zone" }));
            Assert.That(NodeLabels.SetThroughApi(labels).Select(l => l.Key), Is.EqualTo(new[] { "node-role.kubernetes.io/infra", "node-role.kubernetes.io/worker" }));
            Assert.That(NodeLabels.KubeletFlagValue(labels), Is.EqualTo("disk=ssd,zone=a"));
        });
    }

    [Test]
    public void KubeletFlagValue_NoLabelsOrOnlyApiLabels_IsNull()
    {
        Assert.Multiple(() =>
        {
            Assert.That(NodeLabels.KubeletFlagValue(null), Is.Null);
            Assert.That(NodeLabels.KubeletFlagValue(new Dictionary<string, string> { ["node-role.kubernetes.io/worker"] = "" }), Is.Null);
        });
    }
}
