namespace HaKube.Tests.Actions.Kubeadm.Schema;

public sealed class KubeadmSchemaTests
{
    [Test]
    public void Default_Always_HoldsTheKindsKubeadmTakes()
    {
        var documents = KubeadmSchema.Default.Documents;

        Assert.That(documents["kubeadm.k8s.io/v1beta3"].Keys, Is.EquivalentTo(new[] { "InitConfiguration", "ClusterConfiguration", "JoinConfiguration" }));
        Assert.That(documents["kubeadm.k8s.io/v1beta4"].Keys, Is.EquivalentTo(new[]
        {
            "InitConfiguration", "ClusterConfiguration", "JoinConfiguration", "ResetConfiguration", "UpgradeConfiguration",
        }));
        Assert.That(documents["kubelet.config.k8s.io/v1beta1"].Keys, Is.EqualTo(new[] { "KubeletConfiguration" }));
        Assert.That(documents["kubeproxy.config.k8s.io/v1alpha1"].Keys, Is.EqualTo(new[] { "KubeProxyConfiguration" }));
    }

    [Test]
    public void Default_ExtraArgs_AreAMapInV1Beta3AndAListOfArgsInV1Beta4()
    {
        var structs = KubeadmSchema.Default.Structs;

        Assert.That(structs["kubeadm/v1beta3.NodeRegistrationOptions"]["kubeletExtraArgs"],
            Is.EqualTo(new KubeadmSchemaType("map", Values: new KubeadmSchemaType("string"))));
        Assert.That(structs["kubeadm/v1beta4.NodeRegistrationOptions"]["kubeletExtraArgs"],
            Is.EqualTo(new KubeadmSchemaType("list", Items: new KubeadmSchemaType("struct", Ref: "kubeadm/v1beta4.Arg"))));
        Assert.That(structs["kubeadm/v1beta4.Arg"].Keys, Is.EqualTo(new[] { "name", "value" }));
    }

    [Test]
    public void Default_EmbeddedStructs_AreFlattened()
    {
        var structs = KubeadmSchema.Default.Structs;

        Assert.That(structs["kubeadm/v1beta4.InitConfiguration"].Keys, Does.Contain("apiVersion").And.Contain("kind"));
        Assert.That(structs["kubeadm/v1beta4.APIServer"].Keys, Is.SupersetOf(new[] { "extraArgs", "extraVolumes", "extraEnvs", "certSANs" }));
        Assert.That(structs["kubeadm/v1beta4.EnvVar"].Keys, Is.EquivalentTo(new[] { "name", "value", "valueFrom" }));
    }

    [Test]
    public void Default_Timeouts_AreDurationPointers()
    {
        var discovery = KubeadmSchema.Default.Structs["kubeadm/v1beta4.Timeouts"]["discovery"];

        Assert.That((discovery.Kind, discovery.Pointer), Is.EqualTo(("duration", true)));
    }

    [Test]
    public void Load_StructReferenceMissing_Throws()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hakube-schema-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            {"format": 1, "documents": {"a/v1": {"A": "p.A"}},
             "structs": {"p.A": {"fields": {"b": {"kind": "struct", "ref": "p.Missing"}}}}}
            """);
        try
        {
            Assert.That(() => KubeadmSchema.Load(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains("p.A.b"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
