using HaKube.Actions.Kubeadm;
using YamlDotNet.RepresentationModel;

namespace HaKube.Tests.Actions.Kubeadm;

public sealed class YamlScalarsTests
{
    [TestCase("v1.31.4")]
    [TestCase("/etc/kubernetes/pki")]
    [TestCase("unix:///var/run/containerd/containerd.sock")]
    [TestCase("https://10.0.0.11:2379")]
    [TestCase("system:bootstrappers:kubeadm:default-node-token")]
    [TestCase("api.demo.internal:6443")]
    [TestCase("sha256:7c3a4b1f")]
    [TestCase("systemd")]
    public void Format_UnambiguousText_IsPlain(string value)
    {
        Assert.That(YamlScalars.Format(value), Is.EqualTo(value));
    }

    [TestCase("")]
    [TestCase("true")]
    [TestCase("yes")]
    [TestCase("No")]
    [TestCase("off")]
    [TestCase("y")]
    [TestCase("null")]
    [TestCase("~")]
    [TestCase("6443")]
    [TestCase("1.30")]
    [TestCase("1e3")]
    [TestCase("0x1F")]
    [TestCase("1:30")]
    [TestCase("10.0.0.7")]
    [TestCase("24h0m0s")]
    [TestCase("2001-12-14")]
    [TestCase(".inf")]
    [TestCase("-x")]
    [TestCase("a: b")]
    [TestCase("a #b")]
    [TestCase("key:")]
    [TestCase("zone=a,disk=ssd")]
    [TestCase("*alias")]
    [TestCase("systemd\n")]
    [TestCase("say \"hi\"\\now")]
    [TestCase("line\nbreak\ttab\u0001")]
    public void Format_AmbiguousText_IsQuotedAndReadsBackUnchanged(string value)
    {
        var formatted = YamlScalars.Format(value);
        var stream = new YamlStream();
        stream.Load(new StringReader($"key: {formatted}\n"));
        var scalar = (YamlScalarNode)((YamlMappingNode)stream.Documents[0].RootNode)["key"];

        Assert.Multiple(() =>
        {
            Assert.That(formatted, Does.StartWith("\""));
            Assert.That(scalar.Value, Is.EqualTo(value));
        });
    }
}
