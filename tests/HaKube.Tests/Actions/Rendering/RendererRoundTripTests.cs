using System.Text.Json;
using HaKube.Actions.Rendering;
using HaKube.Model.Api;
using HaKube.Tests.Actions.Kubeadm;
using HaKube.Tests.Support;
using YamlDotNet.RepresentationModel;
using BootstrapToken = HaKube.Actions.Kubeadm.BootstrapToken;
using KubeadmConfigRenderer = HaKube.Actions.Kubeadm.KubeadmConfigRenderer;

namespace HaKube.Tests.Actions.Rendering;

/// <summary>
/// Every renderer fed values validation would refuse (quotes, newlines, "---", '#', '%', "$(...)"):
/// what its output reads back as, by the target format's own rules, is exactly the value given, or
/// the renderer refuses the value with an ArgumentException. Nothing is pasted.
/// </summary>
public sealed class RendererRoundTripTests
{
    public static IEnumerable<string> Hostile() => HostileValues.All;

    [TestCaseSource(nameof(Hostile))]
    public void CalicoManifestRenderer_HostilePodSubnet_ReadsBackAsTheSameValue(string value)
    {
        var text = Calico(value);

        AssertCalico(Load(text).Select(ToJson).ToArray(), value, text);
    }

    [Test]
    public async Task CalicoManifestRenderer_HostilePodSubnets_ReadBackTheSameByPyYaml()
    {
        var texts = HostileValues.All.Select(Calico).ToList();

        var python = await PyYaml.LoadAllAsync(texts);

        for (var i = 0; i < texts.Count; i++)
        {
            AssertCalico(python[i], HostileValues.All[i], texts[i]);
        }
    }

    [TestCaseSource(nameof(Hostile))]
    public void KubeadmConfigRenderer_HostileValues_ReadBackAsTheSameValues(string value)
    {
        var (text, name) = Kubeadm(value);

        AssertKubeadm(Load(text).Select(ToJson).ToArray(), value, name, text);
    }

    [Test]
    public async Task KubeadmConfigRenderer_HostileValues_ReadBackTheSameByPyYaml()
    {
        var rendered = HostileValues.All.Select(Kubeadm).ToList();

        var python = await PyYaml.LoadAllAsync(rendered.Select(r => r.Text).ToList());

        for (var i = 0; i < rendered.Count; i++)
        {
            AssertKubeadm(python[i], HostileValues.All[i], rendered[i].NodeName, rendered[i].Text);
        }
    }

    private static string Calico(string value)
    {
        var spec = KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4").Spec with { Networking = new NetworkingSpec { PodSubnet = value } };
        return CalicoManifestRenderer.Render(spec)!;
    }

    private static void AssertCalico(JsonElement[] documents, string value, string text)
    {
        Assert.That(documents, Has.Length.EqualTo(2), text);
        Assert.That(documents[0].GetProperty("spec").GetProperty("calicoNetwork").GetProperty("ipPools")[0].GetProperty("cidr").GetString(), Is.EqualTo(value), text);
        Assert.That(documents[1].GetProperty("kind").GetString(), Is.EqualTo("APIServer"));
    }

    private static (string Text, string NodeName) Kubeadm(string value)
    {
        var cluster = KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4");
        var node = cluster.Spec.Hosts[0] with { Name = "cp1" + value, Labels = new Dictionary<string, string> { ["zone"] = value.Replace(",", "", StringComparison.Ordinal).Replace("=", "", StringComparison.Ordinal) } };
        cluster = cluster with
        {
            Metadata = cluster.Metadata with { Name = value },
            Spec = cluster.Spec with
            {
                Hosts = [node, .. cluster.Spec.Hosts.Skip(1)],
                ControlPlaneEndpoint = cluster.Spec.ControlPlaneEndpoint with { Host = value },
                Networking = new NetworkingSpec { PodSubnet = value, ServiceSubnet = value, DnsDomain = value },
            },
        };

        return (KubeadmConfigRenderer.RenderInit(cluster, node, BootstrapToken.Parse("abcdef.0123456789abcdef")).SensitiveYaml, node.Name);
    }

    private static void AssertKubeadm(JsonElement[] documents, string value, string nodeName, string text)
    {
        Assert.That(documents, Has.Length.EqualTo(3), text);
        var init = documents[0];
        var clusterConfiguration = documents[1];
        Assert.Multiple(() =>
        {
            Assert.That(init.GetProperty("nodeRegistration").GetProperty("name").GetString(), Is.EqualTo(nodeName));
            Assert.That(clusterConfiguration.GetProperty("clusterName").GetString(), Is.EqualTo(value));
            Assert.That(clusterConfiguration.GetProperty("controlPlaneEndpoint").GetString(), Is.EqualTo($"{value}:6443"));
            Assert.That(clusterConfiguration.GetProperty("networking").GetProperty("podSubnet").GetString(), Is.EqualTo(value));
            Assert.That(clusterConfiguration.GetProperty("networking").GetProperty("serviceSubnet").GetString(), Is.EqualTo(value));
            Assert.That(clusterConfiguration.GetProperty("networking").GetProperty("dnsDomain").GetString(), Is.EqualTo(value));
            Assert.That(clusterConfiguration.GetProperty("apiServer").GetProperty("certSANs")[0].GetString(), Is.EqualTo(value));
        });
    }

    [TestCaseSource(nameof(Hostile))]
    public void RenderEtcdMember_HostileNamesAndAddresses_ReadBackAsTheSameValues(string value)
    {
        var (text, member, start) = EtcdMember(value);

        AssertEtcdMember(Load(text).Select(ToJson).ToArray(), value, member, start, text);
    }

    [Test]
    public async Task RenderEtcdMember_HostileNamesAndAddresses_ReadBackTheSameByPyYaml()
    {
        var rendered = HostileValues.All.Select(EtcdMember).ToList();

        var python = await PyYaml.LoadAllAsync(rendered.Select(r => r.Text).ToList());

        for (var i = 0; i < rendered.Count; i++)
        {
            AssertEtcdMember(python[i], HostileValues.All[i], rendered[i].Member, rendered[i].Start, rendered[i].Text);
        }
    }

    [TestCaseSource(nameof(Hostile))]
    public void HaproxyConfigRenderer_HostileAddresses_ReadBackAsTheSameWordsOrRefused(string value)
    {
        var spec = KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4").Spec;
        spec = spec with { Hosts = spec.Hosts.Select(h => h with { Address = h.Address + value }).ToList() };
        var loadBalancer = spec.HostsWithRole(HostRole.LoadBalancer)[0];

        string config;
        try
        {
            config = HaproxyConfigRenderer.Render(spec, loadBalancer);
        }
        catch (ArgumentException)
        {
            Assert.That(value.Any(char.IsControl) || value.Contains('\'', StringComparison.Ordinal), Is.True, $"refused a value haproxy.cfg can carry: {value}");
            return;
        }

        var lines = config.Split('\n').Select(FormatReaders.HaproxyWords).Where(w => w.Count > 0).ToList();
        var bind = lines.Single(w => w[0] == "bind");
        var servers = lines.Where(w => w[0] == "server").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(bind, Is.EqualTo(new[] { "bind", $"{loadBalancer.Address}:{spec.ControlPlaneEndpoint.Port}" }));
            Assert.That(servers.Select(s => s[2]), Is.EqualTo(spec.ControlPlanes().Select(c => $"{c.Address}:6443")));
            Assert.That(servers.Select(s => s.Skip(3)), Has.All.EqualTo(new[] { "check", "check-ssl", "verify", "none" }));
        });
    }

    [TestCase("cp1 x")]
    [TestCase("cp#1")]
    [TestCase("cp'1")]
    [TestCase("cp1\nbackend x")]
    public void HaproxyConfigRenderer_ServerNameHaproxyRefuses_RefusedHere(string name)
    {
        var spec = KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4").Spec;
        spec = spec with { Hosts = spec.Hosts.Select(h => h.Roles.Contains(HostRole.ControlPlane) && h.Name == "cp1" ? h with { Name = name } : h).ToList() };

        Assert.Throws<ArgumentException>(() => HaproxyConfigRenderer.Render(spec, spec.HostsWithRole(HostRole.LoadBalancer)[0]));
    }

    [Test]
    public void ConfigLines_SysctlAndModules_ReadBackAndRefuseWhatTheyCannotCarry()
    {
        var sysctl = HostPrerequisiteFiles.Sysctl.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('=', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        var modules = HostPrerequisiteFiles.Modules.Split('\n').Where(l => l.Length > 0 && l[0] != '#').ToList();

        Assert.Multiple(() =>
        {
            Assert.That(sysctl, Is.EqualTo(new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "1" }));
            Assert.That(modules, Is.EqualTo(HostPrerequisiteFiles.KernelModules));
            foreach (var value in HostileValues.All.Where(v => v.Any(c => char.IsControl(c) || c is '#' or ';' or '=' or ' ')))
            {
                Assert.Throws<ArgumentException>(() => ConfigLines.SysctlD("x", [new("net.ipv4.ip_forward" + value, "1")]), value);
                Assert.Throws<ArgumentException>(() => ConfigLines.ModulesLoad("x", ["overlay" + value]), value);
            }
        });
    }

    private static (string Text, HostSpec Member, HaKube.Actions.Kubeadm.EtcdMemberStart Start) EtcdMember(string value)
    {
        var cluster = KubeadmTestClusters.Demo(EtcdTopology.External, "v1.31.4");
        var member = cluster.Spec.Hosts.Single(h => h.Name == "etcd1") with { Name = "etcd1" + value, Address = "10.0.0.11" + value };
        cluster = cluster with
        {
            Metadata = cluster.Metadata with { Name = value },
            Spec = cluster.Spec with
            {
                Hosts = cluster.Spec.Hosts.Select(h => h.Name == "etcd1" ? member : h).ToList(),
                Etcd = cluster.Spec.Etcd with { Hosts = [member.Name, "etcd2", "etcd3"] },
            },
        };
        var start = new HaKube.Actions.Kubeadm.EtcdMemberStart([new(member.Name, "https://10.0.0.11:2380" + value), new("etcd2" + value, "https://10.0.0.12:2380")], Existing: false);
        return (KubeadmConfigRenderer.RenderEtcdMember(cluster, member, start), member, start);
    }

    // extraArgs as kubeadm reads them: a mapping (v1beta3) or a list of name/value pairs (v1beta4).
    private static Dictionary<string, string?> ExtraArgs(JsonElement args) => args.ValueKind == JsonValueKind.Array
        ? args.EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!, a => a.GetProperty("value").GetString())
        : args.EnumerateObject().ToDictionary(a => a.Name, a => a.Value.GetString());

    private static void AssertEtcdMember(JsonElement[] documents, string value, HostSpec member, HaKube.Actions.Kubeadm.EtcdMemberStart start, string text)
    {
        Assert.That(documents, Has.Length.EqualTo(2), text);
        var local = documents[1].GetProperty("etcd").GetProperty("local");
        var args = ExtraArgs(local.GetProperty("extraArgs"));
        Assert.Multiple(() =>
        {
            Assert.That(documents[0].GetProperty("nodeRegistration").GetProperty("name").GetString(), Is.EqualTo(member.Name), text);
            // kubeadm takes only an IP as advertiseAddress: another address leaves it out.
            Assert.That(documents[0].GetProperty("localAPIEndpoint").TryGetProperty("advertiseAddress", out var advertised) ? advertised.GetString() : member.Address, Is.EqualTo(member.Address), text);
            Assert.That(documents[1].GetProperty("clusterName").GetString(), Is.EqualTo(value), text);
            Assert.That(local.GetProperty("serverCertSANs")[0].GetString(), Is.EqualTo(member.Address), text);
            Assert.That(local.GetProperty("peerCertSANs")[0].GetString(), Is.EqualTo(member.Address), text);
            Assert.That(args["name"], Is.EqualTo(member.Name), text);
            Assert.That(args["initial-cluster"], Is.EqualTo(string.Join(',', start.InitialCluster.Select(m => $"{m.Key}={m.Value}"))), text);
            Assert.That(args["initial-cluster-state"], Is.EqualTo("new"), text);
            Assert.That(args["listen-peer-urls"], Does.Contain(member.Address), text);
        });
    }

    private static List<YamlNode> Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => d.RootNode).ToList();
    }

    // YamlDotNet's tree as JSON, so both readers are asked the same questions.
    private static JsonElement ToJson(YamlNode node) => JsonSerializer.SerializeToElement(Plain(node));

    private static object? Plain(YamlNode node) => node switch
    {
        YamlScalarNode scalar => scalar.Value,
        YamlSequenceNode sequence => sequence.Children.Select(Plain).ToList(),
        YamlMappingNode mapping => mapping.Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => Plain(e.Value)),
        _ => null,
    };
}
