using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using HaKube.Actions.Pki;
using HaKube.Model.Api;
using HaKube.Model.Inventory;

namespace HaKube.Actions.State;

/// <summary>
/// File-mode state store: one 0700 folder per cluster holding 0600 files - the cluster's
/// authorities (generated once, then reused for ever: they are the cluster's identity), the
/// external-etcd certificates (issued once per member), and the admin kubeconfig. Writes are
/// atomic; generate-once values survive two processes racing (the loser reads the winner's).
/// Nothing here is ever logged.
/// </summary>
public sealed class ClusterStateStore
{
    /// <summary>Where file mode keeps its state unless told otherwise.</summary>
    public const string DefaultRoot = "/var/lib/hakube";

    private const string AuthoritiesFile = "authorities.json";
    private const string ApiServerEtcdClientFile = "apiserver-etcd-client.json";
    private const string EtcdMembersFolder = "etcd-members";
    private const string AdminKubeconfigFile = "admin.conf";
    private const string InventoryFile = "inventory.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    // Roles by name: the inventory is read by people too.
    private static readonly JsonSerializerOptions InventoryJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() }, WriteIndented = true };
    // One gate per cluster folder for the whole process, so two stores of one cluster never issue twice.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <param name="root">The store's root (default <see cref="DefaultRoot"/>); the cluster's folder is root/NAME.</param>
    /// <param name="cluster">The cluster's name (metadata.name, a DNS-1123 name, so safe as a folder name).</param>
    public ClusterStateStore(string root, string cluster)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentException.ThrowIfNullOrEmpty(cluster);
        if (cluster.Contains('/', StringComparison.Ordinal) || cluster is "." or "..")
        {
            throw new ArgumentException($"\"{cluster}\" cannot name a folder", nameof(cluster));
        }

        Directory = Path.Combine(Path.GetFullPath(root), cluster);
        _gate = Gates.GetOrAdd(Directory, _ => new SemaphoreSlim(1, 1));
    }

    private readonly SemaphoreSlim _gate;

    /// <summary>The cluster's folder.</summary>
    public string Directory { get; }

    public string AdminKubeconfigPath => Path.Combine(Directory, AdminKubeconfigFile);

    /// <summary>The cluster's authorities, created by <paramref name="create"/> the first time and read back ever after.</summary>
    public async Task<ClusterAuthorities> GetOrCreateAuthoritiesAsync(Func<ClusterAuthorities> create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var path = Path.Combine(Directory, AuthoritiesFile);
            if (await ReadAsync<StoredAuthorities>(path, cancellationToken) is { } stored)
            {
                return stored.ToAuthorities();
            }

            var created = StoredAuthorities.From(create());
            if (!await AtomicFile.CreateOnceAsync(path, JsonSerializer.Serialize(created, Json), cancellationToken))
            {
                created = await ReadAsync<StoredAuthorities>(path, cancellationToken) ?? throw new InvalidDataException($"{path} vanished while being read");
            }

            return created.ToAuthorities();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The authorities if they were created; null before the first plan or apply.</summary>
    public async Task<ClusterAuthorities?> LoadAuthoritiesAsync(CancellationToken cancellationToken) =>
        (await ReadAsync<StoredAuthorities>(Path.Combine(Directory, AuthoritiesFile), cancellationToken))?.ToAuthorities();

    /// <summary>
    /// The external-etcd certificates of <paramref name="spec"/>: every member's set and the API
    /// server's client pair, each issued the first time it is needed and reused afterwards. A
    /// member whose address changed gets a new set (its certificates name the address).
    /// </summary>
    public async Task<ExternalEtcdCertificates> GetOrIssueExternalEtcdAsync(HaClusterSpec spec, ClusterPkiIssuer issuer, ClusterAuthorities authorities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(authorities);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var clientPath = Path.Combine(Directory, ApiServerEtcdClientFile);
            var client = await ReadAsync<StoredPair>(clientPath, cancellationToken);
            if (client is null)
            {
                client = StoredPair.From(issuer.IssueApiServerEtcdClient(authorities.EtcdCa));
                if (!await AtomicFile.CreateOnceAsync(clientPath, JsonSerializer.Serialize(client, Json), cancellationToken))
                {
                    client = await ReadAsync<StoredPair>(clientPath, cancellationToken);
                }
            }

            var members = new Dictionary<string, EtcdMemberCertificates>(StringComparer.Ordinal);
            foreach (var host in spec.EtcdMembers())
            {
                var path = Path.Combine(Directory, EtcdMembersFolder, host.Name + ".json");
                var stored = await ReadAsync<StoredMemberFile>(path, cancellationToken);
                if (stored is null || stored.Address != host.Address)
                {
                    stored = new StoredMemberFile(host.Address, StoredEtcdMember.From(issuer.IssueEtcdMember(authorities.EtcdCa, host)));
                    await AtomicFile.WriteAsync(path, JsonSerializer.Serialize(stored, Json), cancellationToken);
                }

                members[host.Name] = stored.Certificates.ToMember();
            }

            return new ExternalEtcdCertificates(client!.ToPair(), members);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Keeps the admin kubeconfig (secret: it holds a client key).</summary>
    public Task SaveAdminKubeconfigAsync(string kubeconfig, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(AdminKubeconfigPath, kubeconfig, cancellationToken);

    /// <summary>The admin kubeconfig, or null before the first control plane was initialized.</summary>
    public async Task<string?> LoadAdminKubeconfigAsync(CancellationToken cancellationToken) =>
        File.Exists(AdminKubeconfigPath) ? await File.ReadAllTextAsync(AdminKubeconfigPath, cancellationToken) : null;

    /// <summary>The managed hosts HaKube remembers (see <see cref="ClusterInventory"/>); empty before the first reconcile.</summary>
    public async Task<IReadOnlyList<ManagedHost>> LoadInventoryAsync(CancellationToken cancellationToken) =>
        await ReadAsync<List<ManagedHost>>(Path.Combine(Directory, InventoryFile), cancellationToken, InventoryJson) ?? [];

    /// <summary>
    /// Changes the inventory under the store's gate, so a step forgetting a removed host and a
    /// reconcile recording the reached ones never lose each other's write.
    /// </summary>
    public async Task UpdateInventoryAsync(Func<IReadOnlyList<ManagedHost>, IReadOnlyList<ManagedHost>> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var before = await LoadInventoryAsync(cancellationToken);
            var after = change(before);
            if (!ClusterInventory.Same(before, after))
            {
                await AtomicFile.WriteAsync(Path.Combine(Directory, InventoryFile), JsonSerializer.Serialize(after, InventoryJson), cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static async Task<T?> ReadAsync<T>(string path, CancellationToken cancellationToken, JsonSerializerOptions? options = null)
        where T : class
    {
        if (!File.Exists(path))
        {
            return null;
        }

        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<T>(stream, options ?? Json, cancellationToken)
            ?? throw new InvalidDataException($"{path} is empty");
    }

    private sealed record StoredMemberFile(string Address, StoredEtcdMember Certificates)
    {
        public override string ToString() => $"{nameof(StoredMemberFile)} {{ Address = {Address} }}";
    }
}
