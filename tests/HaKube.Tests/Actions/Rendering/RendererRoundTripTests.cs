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
    public void EtcdUnitRenderer_HostileNameAndAddress_ReadBackOrRefused(string value)
    {
        var member = KubeadmTestClusters.Demo(EtcdTopology.External, "v1.31.4").Spec.Hosts.Single(h => h.Name == "etcd1") with { Name = "etcd1" + value, Address = "10.0.0.11" + value };

        string unit;
        try
        {
            unit = EtcdUnitRenderer.Render(member);
        }
        catch (ArgumentException)
        {
            Assert.That(value.Any(c => char.IsControl(c)) || value.Contains(';', StringComparison.Ordinal) || value != value.Trim() || value.EndsWith('\\'), Is.True, $"refused a value systemd can carry: {value}");
            return;
        }

        var settings = FormatReaders.SystemdUnit(unit);
        var description = settings.Single(s => s.Key == "Description").Value;
        var words = FormatReaders.ExecWords(settings.Single(s => s.Key == "ExecStart").Value);
        Assert.Multiple(() =>
        {
            Assert.That(description, Is.EqualTo($"etcd member {member.Name} (HaKube, external etcd)"));
            Assert.That(words[0], Is.EqualTo(EtcdUnitRenderer.Binary));
            Assert.That(words, Does.Contain("--name=" + member.Name));
            Assert.That(words, Does.Contain("--listen-client-urls=" + EtcdUnitRenderer.ClientUrl(member)));
            Assert.That(words, Does.Contain("--initial-advertise-peer-urls=" + EtcdUnitRenderer.PeerUrl(member)));
            Assert.That(words, Has.Count.EqualTo(16), "one word per flag: nothing split or joined");
            Assert.That(settings.Select(s => s.Key), Is.EqualTo(new[] { "Description", "After", "Type", "EnvironmentFile", "ExecStart", "Restart", "RestartSec", "LimitNOFILE", "WantedBy" }));
        });
    }

    [TestCaseSource(nameof(Hostile))]
    public void EtcdUnitRenderer_HostileEnvironment_ReadsBackAsTheSameValues(string value)
    {
        var text = EtcdUnitRenderer.RenderInitialEnvironment(value, [new("etcd1" + value, "https://10.0.0.11:2380" + value)], existing: false);

        var environment = FormatReaders.SystemdEnvironment(text);

        Assert.That(environment, Is.EqualTo(new Dictionary<string, string>
        {
            ["ETCD_INITIAL_CLUSTER"] = $"etcd1{value}=https://10.0.0.11:2380{value}",
            ["ETCD_INITIAL_CLUSTER_STATE"] = "new",
            ["ETCD_INITIAL_CLUSTER_TOKEN"] = value,
        }));
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
