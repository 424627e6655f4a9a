using System.Text;
using HaKube.Actions.Pki;
using HaKube.Actions.Probe;
using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Actions.Steps;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;
using HaKube.Tests.Actions.Kubeadm;
using HaKube.Tests.Lab;

namespace HaKube.Tests.Actions.Steps;

/// <summary>
/// A lab for step tests: hosts PREFIX1.. on the given address block, a cluster spec naming them,
/// SSH targets with the lab's known_hosts, a temporary state store, and helpers to run steps
/// with fresh facts. Control planes that are not lab hosts only appear in configuration.
/// </summary>
internal sealed class StepsLabFixture : IAsyncDisposable
{
    private readonly SshPrivateKey _key;
    private readonly Dictionary<string, SshTarget> _targets;

    private StepsLabFixture(LabHosts lab, HaCluster cluster, SshPrivateKey key, IReadOnlyList<SshTarget> targets, string stateRoot)
    {
        Lab = lab;
        Cluster = cluster;
        _key = key;
        _targets = targets.ToDictionary(t => t.Name);
        StateRoot = stateRoot;
        Store = new ClusterStateStore(stateRoot, cluster.Metadata.Name);
        Pool = new SshConnectionPool();
        Prober = new HostProber(Pool);
    }

    public LabHosts Lab { get; }

    public HaCluster Cluster { get; }

    public ClusterStateStore Store { get; }

    public SshConnectionPool Pool { get; }

    public HostProber Prober { get; }

    public string StateRoot { get; }

    /// <summary>Starts <paramref name="count"/> lab hosts and builds the cluster from <paramref name="manifest"/>, which gets the lab's addresses through {ADDR1}..</summary>
    public static async Task<StepsLabFixture> StartAsync(int count, LabOptions options, string manifest)
    {
        var lab = await LabHosts.StartAsync(count, options, CancellationToken.None);
        try
        {
            for (var i = 1; i <= 3; i++)
            {
                // Control planes that are not lab hosts: addresses of the lab's range that nobody serves.
                manifest = manifest.Replace($"{{CP{i}}}", LabOptions.Isolated($"{options.Base}.{200 + i}"), StringComparison.Ordinal);
            }

            for (var i = lab.Hosts.Count; i >= 1; i--)
            {
                manifest = manifest.Replace($"{{ADDR{i}}}", lab.Hosts[i - 1].Address, StringComparison.Ordinal).Replace($"{{NAME{i}}}", lab.Hosts[i - 1].Name, StringComparison.Ordinal);
            }

            var cluster = KubeadmTestClusters.Load(manifest);
            var key = SshPrivateKey.FromFile(lab.ClientKeyPath);
            var knownHosts = await KnownHosts.LoadAsync(lab.KnownHostsPath, CancellationToken.None);
            var targets = SshTargets.FromSpec(cluster.Spec, key, knownHosts).Where(t => lab.Hosts.Any(h => h.Name == t.Name)).ToList();
            return new StepsLabFixture(lab, cluster, key, targets, Directory.CreateTempSubdirectory("hakube-steps-state-").FullName);
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    public async Task<IReadOnlyList<HostFacts>> ProbeAsync() => await Prober.ProbeAsync(_targets.Values, CancellationToken.None);

    public async Task<StepContext> ContextAsync()
    {
        var material = await ClusterMaterial.LoadAsync(Cluster.Spec, Store, new ClusterPkiIssuer(new CertificateFactory(TimeProvider.System)), CancellationToken.None);
        var facts = await ProbeAsync();
        return new StepContext
        {
            Cluster = Cluster,
            Material = material,
            Store = Store,
            Facts = facts.ToDictionary(f => f.Host),
            Connect = name => Pool.Get(_targets[name]),
        };
    }

    /// <summary>Runs one step on <paramref name="hosts"/> with facts probed just before.</summary>
    public async Task RunAsync(StepKind kind, params string[] hosts)
    {
        var context = await ContextAsync();
        await StepCatalog.For(kind).RunAsync(context, new PlanStep(kind, hosts, "test"), CancellationToken.None);
    }

    /// <summary>A shell script inside a host (root, its own namespaces); throws with its output unless it exits 0.</summary>
    public async Task<string> ShellAsync(string host, string script)
    {
        var result = await Lab.ShellAsync(Lab[host], script);
        return result.Succeeded ? result.StandardOutput : throw new LabException($"{host}: {script} failed (exit {result.ExitCode}): {result.StandardError}{result.StandardOutput}");
    }

    /// <summary>SHA-256 of a file inside a host, read from the machine side.</summary>
    public string Sha256Of(string host, string path)
    {
        var bytes = File.ReadAllBytes(Lab[host].PathOnMachine(path));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
    }

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    public async ValueTask DisposeAsync()
    {
        await Pool.DisposeAsync();
        _key.Dispose();
        await Lab.DisposeAsync();
        Directory.Delete(StateRoot, recursive: true);
    }
}
