using System.Diagnostics;
using System.Globalization;
using System.Text;
using CsCheck;
using HaKube.Actions.Rendering;
using HaKube.Model.Api;
using HaKube.Model.Validation;
using HaKube.Model.Values;
using HaKube.Tests.Support;
using YamlDotNet.RepresentationModel;
using BootstrapToken = HaKube.Actions.Kubeadm.BootstrapToken;
using KubeadmConfigRenderer = HaKube.Actions.Kubeadm.KubeadmConfigRenderer;

namespace HaKube.Tests.Model.Validation;

/// <summary>
/// Mutated manifests (field values from a hostile alphabet, lines deleted, duplicated or cut,
/// documents inserted, deep nesting, alias bombs) through parse and validation: never an exception,
/// each case bounded in time and allocation, either valid or every error located; and every valid
/// one renders kubeadm, Calico, HAProxy and etcd files that read back to the spec's values.
/// HAKUBE_FUZZ_ITERATIONS sets the count (default 1500) for a longer one-off run.
/// </summary>
public sealed class HostileManifestFuzzTests
{
    private const string File = "fuzz.yaml";
    private static readonly TimeSpan MaxPerCase = TimeSpan.FromSeconds(2);
    private const long MaxAllocatedPerCase = 200L * 1024 * 1024;

    private static readonly string[] Bases = new[] { "stacked.yaml", "external.yaml", "design-example.yaml" }
        .Select(name => System.IO.File.ReadAllText(Path.Combine(RepositoryPaths.Examples, name)))
        .ToArray();

    private static readonly ValidationOptions Options = new(ManifestMode.File, FakeReferencedFiles.All);

    private static readonly Gen<string> Cases =
        Gen.Select(Gen.Int[0, Bases.Length - 1], Gen.Int[0, 9], Gen.Int[0, 9], Gen.Int[0, int.MaxValue - 1], Gen.Int[0, int.MaxValue - 1])
            .Select(c => Mutate(Mutate(Bases[c.Item1], c.Item2, c.Item4), c.Item3 < 7 ? -1 : c.Item3, c.Item5));

    private static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("HAKUBE_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1500;

    [Test]
    public void ParseAndValidate_MutatedManifests_NeverThrowAndAreValidOrLocated()
    {
        var valid = 0;
        var invalid = 0;
        long slowestTicks = 0;
        long mostAllocated = 0;
        var watch = Stopwatch.StartNew();
        Cases.Sample(text =>
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            var result = HaClusterValidator.ParseAndValidate(text, File, Options);
            var elapsed = Stopwatch.GetElapsedTime(started);
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            InterlockedMax(ref slowestTicks, elapsed.Ticks);
            InterlockedMax(ref mostAllocated, allocated);

            Assert.That(elapsed, Is.LessThan(MaxPerCase), "one case's parse and validation");
            Assert.That(allocated, Is.LessThan(MaxAllocatedPerCase), "bytes allocated by one case");
            if (result.Errors.Count == 0)
            {
                Interlocked.Increment(ref valid);
                foreach (var manifest in result.Manifests)
                {
                    AssertRendersBack(manifest.Cluster);
                }

                return;
            }

            Interlocked.Increment(ref invalid);
            foreach (var error in result.Errors)
            {
                Assert.That(error.File, Is.EqualTo(File));
                Assert.That(error.Line, Is.GreaterThanOrEqualTo(1));
                Assert.That(error.Column, Is.GreaterThanOrEqualTo(1));
                Assert.That(error.ToString(), Has.None.Matches<char>(c => Printable.IsUnsafe(c) && !char.IsSurrogate(c)), "a shown error carries no raw control character");
            }
        }, iter: Iterations);

        TestContext.Out.WriteLine($"{Iterations} cases in {watch.Elapsed.TotalSeconds:0.0} s: {valid} valid, {invalid} invalid; slowest {TimeSpan.FromTicks(slowestTicks).TotalMilliseconds:0} ms, most allocated {mostAllocated / 1024} KiB");
        Assert.That(valid, Is.GreaterThan(0), "some mutations leave a manifest valid, and those are rendered");
    }

    // Every file rendered from a valid spec reads back, by the format's own rules, to the spec's values.
    private static void AssertRendersBack(HaCluster cluster)
    {
        var spec = cluster.Spec;
        var first = spec.ControlPlanes()[0];
        var kubeadm = Load(KubeadmConfigRenderer.RenderInit(cluster, first, BootstrapToken.Parse("abcdef.0123456789abcdef")).SensitiveYaml);
        var networking = (YamlMappingNode)kubeadm[1]["networking"];
        Assert.Multiple(() =>
        {
            Assert.That(Scalar(kubeadm[0]["nodeRegistration"]["name"]), Is.EqualTo(first.Name));
            Assert.That(Scalar(kubeadm[1]["clusterName"]), Is.EqualTo(cluster.Metadata.Name));
            Assert.That(Scalar(networking["serviceSubnet"]), Is.EqualTo(spec.Networking.ServiceSubnet));
            Assert.That(Scalar(networking["dnsDomain"]), Is.EqualTo(spec.Networking.DnsDomain));
            if (spec.Networking.PodSubnet is { } pod)
            {
                Assert.That(Scalar(networking["podSubnet"]), Is.EqualTo(pod));
            }
        });

        if (CalicoManifestRenderer.Render(spec) is { } calico)
        {
            var pool = ((YamlSequenceNode)Load(calico)[0]["spec"]["calicoNetwork"]["ipPools"])[0];
            Assert.That(Scalar(pool["cidr"]), Is.EqualTo(spec.Networking.PodSubnet));
        }

        foreach (var loadBalancer in spec.LoadBalancer.Provider == LoadBalancerProvider.HAProxy ? spec.HostsWithRole(HostRole.LoadBalancer) : [])
        {
            var words = HaproxyConfigRenderer.Render(spec, loadBalancer).Split('\n').Select(FormatReaders.HaproxyWords).Where(w => w.Count > 0).ToList();
            Assert.That(words.Single(w => w[0] == "bind")[1], Is.EqualTo($"{loadBalancer.Address}:{spec.ControlPlaneEndpoint.Port}"));
            Assert.That(words.Where(w => w[0] == "server").Select(w => w[1]), Is.EqualTo(spec.ControlPlanes().Select(c => c.Name)));
        }

        foreach (var member in spec.Etcd.Topology == EtcdTopology.External ? spec.EtcdMembers() : [])
        {
            var exec = FormatReaders.ExecWords(FormatReaders.SystemdUnit(EtcdUnitRenderer.Render(member)).Single(s => s.Key == "ExecStart").Value);
            Assert.That(exec, Does.Contain("--name=" + member.Name).And.Contain("--listen-peer-urls=" + EtcdUnitRenderer.PeerUrl(member)));
            var environment = FormatReaders.SystemdEnvironment(EtcdUnitRenderer.RenderInitialEnvironment(cluster.Metadata.Name, [new(member.Name, EtcdUnitRenderer.PeerUrl(member))], existing: false));
            Assert.That(environment["ETCD_INITIAL_CLUSTER_TOKEN"], Is.EqualTo(cluster.Metadata.Name));
        }
    }

    // One mutation of the text, chosen by kind, placed by where; a negative kind leaves it as it is.
    private static string Mutate(string text, int kind, int where)
    {
        var lines = text.Split('\n').ToList();
        var line = where % lines.Count;
        var hostile = HostileValues.All[where % HostileValues.All.Count];
        switch (kind)
        {
            case 0:
                return ReplaceValue(lines, line, DoubleQuoted(hostile));
            case 1:
                return ReplaceValue(lines, line, hostile);
            case 2:
                return ReplaceValue(lines, line, DoubleQuoted(RandomHostile(where)));
            case 3:
                lines.RemoveAt(line);
                return string.Join('\n', lines);
            case 4:
                lines.Insert(line, lines[line]);
                return string.Join('\n', lines);
            case 5:
                lines.Insert(line, "---");
                return string.Join('\n', lines);
            case 6:
                return text[..(where % text.Length)];
            case 7:
                return ReplaceValue(lines, line, new string('[', new[] { 10, 100, 1000, 70_000 }[where % 4]));
            case 8:
                return text + AliasBomb(2 + (where % 9));
            case 9:
                return ReplaceValue(lines, line, "&v " + DoubleQuoted(hostile)) + "\nextra: [*v, *v, *v]\n";
            default:
                return text;
        }
    }

    // "key: value" on the line (or the first such line after it) gets the new value.
    private static string ReplaceValue(List<string> lines, int start, string value)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var index = (start + i) % lines.Count;
            var colon = lines[index].IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0 && !lines[index].TrimStart().StartsWith('#'))
            {
                lines[index] = lines[index][..(colon + 2)] + value;
                return string.Join('\n', lines);
            }
        }

        return string.Join('\n', lines);
    }

    private static string DoubleQuoted(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ when c < 0x20 || c is '\u0085' or '\u2028' or '\u2029' or '\ufeff' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }

    private static string RandomHostile(int seed)
    {
        const string Alphabet = "aZ09.-_:/%$#'\"\\\n\r\t {}[],&*!|>@`=;~\u0000\u001b\u0085\u2028\ufeff";
        var random = new Random(seed);
        return new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
    }

    // Levels of ten references each: level n expands to 10^n nodes.
    private static string AliasBomb(int levels)
    {
        var text = new StringBuilder("\nbomb0: &b0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level < levels; level++)
        {
            text.Append(CultureInfo.InvariantCulture, $"bomb{level}: &b{level} [{string.Join(", ", Enumerable.Repeat($"*b{level - 1}", 10))}]\n");
        }

        return text.ToString();
    }

    private static List<YamlNode> Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => d.RootNode).ToList();
    }

    private static string? Scalar(YamlNode node) => ((YamlScalarNode)node).Value;

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
