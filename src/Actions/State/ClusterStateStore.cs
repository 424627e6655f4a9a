using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using HaKube.Actions.Pki;
using HaKube.Model.Api;
using HaKube.Model.Inventory;

namespace HaKube.Actions.State;

/// <summary>
/// A cluster's state store: its authorities (generated once and kept for ever: they are the cluster's
/// identity), external-etcd certificates and admin kubeconfig. Generate-once values survive two
/// processes racing (the loser reads the winner's). Nothing here is ever logged.
/// </summary>
/// <remarks>
/// New kinds of state go through <see cref="ReadAsync{T}"/>, <see cref="WriteAsync{T}"/> and
/// <see cref="CreateOnceAsync{T}"/>, never File directly, so they land in Secrets in custom-resource mode too.
/// </remarks>
public sealed class ClusterStateStore
{
    public const string DefaultRoot = "/var/lib/hakube";

    private const string AuthoritiesFile = "authorities.json";
    private const string ApiServerEtcdClientFile = "apiserver-etcd-client.json";
    private const string EtcdMembersFolder = "etcd-members";
    public const string AdminKubeconfigFile = "admin.conf";
    private const string InventoryFile = "inventory.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    // Roles by name: the inventory is read by people too.
    private static readonly JsonSerializerOptions InventoryJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() }, WriteIndented = true };
    // One gate per store location for the whole process, so two stores of one cluster never issue twice.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    private readonly IStateBackend _backend;
    private readonly SemaphoreSlim _gate;

    /// <summary>A file-mode store in root/clusters/NAME (<see cref="StateLayout"/> migrates an old root first).</summary>
    public ClusterStateStore(string root, string cluster)
        : this(new FileStateBackend(StateLayout.ClusterFolder(CheckRoot(root), CheckCluster(cluster))))
    {
    }

    /// <summary>Custom-resource mode passes its Secret backend.</summary>
    public ClusterStateStore(IStateBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _backend = backend;
        Directory = backend is FileStateBackend files ? files.Directory : backend.Location;
        _gate = Gates.GetOrAdd(backend.GetType().Name + ":" + backend.Location, _ => new SemaphoreSlim(1, 1));
    }

    /// <summary>The folder with the file backend; otherwise <see cref="IStateBackend.Location"/>, which is not a folder.</summary>
    public string Directory { get; }

    /// <summary>What it generates or reissues is kept in memory only.</summary>
    public ClusterStateStore ReadOnly() => new(new ReadOnlyStateBackend(_backend));

    /// <summary>Null when the state lives in Secrets.</summary>
    public string? FileDirectory => _backend is FileStateBackend files ? files.Directory : null;

    /// <summary>For messages: a folder, or a namespace's Secrets.</summary>
    public string Location => _backend.Location;

    public string AdminKubeconfigPath => Path.Combine(Directory, AdminKubeconfigFile);

    public async Task<ClusterAuthorities> GetOrCreateAuthoritiesAsync(Func<ClusterAuthorities> create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (await ReadAsync<StoredAuthorities>(AuthoritiesFile, cancellationToken) is { } stored)
            {
                return stored.ToAuthorities();
            }

            var created = StoredAuthorities.From(create());
            if (!await CreateOnceAsync(AuthoritiesFile, created, cancellationToken))
            {
                created = await ReadAsync<StoredAuthorities>(AuthoritiesFile, cancellationToken) ?? throw new InvalidDataException($"{AuthoritiesFile} in {Location} vanished while being read");
            }

            return created.ToAuthorities();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Null before the first plan or apply.</summary>
    public async Task<ClusterAuthorities?> LoadAuthoritiesAsync(CancellationToken cancellationToken) =>
        (await ReadAsync<StoredAuthorities>(AuthoritiesFile, cancellationToken))?.ToAuthorities();

    /// <summary>
    /// Issued when first needed, then reused; a member whose address changed gets a new set (its
    /// certificates name the address). Certificates ending by <paramref name="renewBefore"/> are
    /// reissued, unless the etcd CA ends by then too: a certificate cannot outlive its CA, so
    /// reissuing would repeat on every call.
    /// </summary>
    public async Task<ExternalEtcdCertificates> GetOrIssueExternalEtcdAsync(HaClusterSpec spec, ClusterPkiIssuer issuer, ClusterAuthorities authorities,
        CancellationToken cancellationToken, DateTimeOffset? renewBefore = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(authorities);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var renewable = renewBefore is { } limit && authorities.EtcdCa.NotAfter > limit;
            bool Due(CertificateKeyPair pair) => renewable && pair.NotAfter <= renewBefore;
            var client = await ReadAsync<StoredPair>(ApiServerEtcdClientFile, cancellationToken);
            if (client is not null && Due(client.ToPair()))
            {
                client = StoredPair.From(issuer.IssueApiServerEtcdClient(authorities.EtcdCa));
                await WriteAsync(ApiServerEtcdClientFile, client, cancellationToken);
            }

            if (client is null)
            {
                client = StoredPair.From(issuer.IssueApiServerEtcdClient(authorities.EtcdCa));
                if (!await CreateOnceAsync(ApiServerEtcdClientFile, client, cancellationToken))
                {
                    client = await ReadAsync<StoredPair>(ApiServerEtcdClientFile, cancellationToken);
                }
            }

            var members = new Dictionary<string, EtcdMemberCertificates>(StringComparer.Ordinal);
            foreach (var host in spec.EtcdMembers())
            {
                var name = EtcdMembersFolder + "/" + host.Name + ".json";
                var stored = await ReadAsync<StoredMemberFile>(name, cancellationToken);
                if (stored is null || stored.Address != host.Address || ExpiresBy(stored.Certificates.ToMember(), Due))
                {
                    stored = new StoredMemberFile(host.Address, StoredEtcdMember.From(issuer.IssueEtcdMember(authorities.EtcdCa, host)));
                    await WriteAsync(name, stored, cancellationToken);
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

    private static bool ExpiresBy(EtcdMemberCertificates member, Func<CertificateKeyPair, bool> due) =>
        due(member.Server) || due(member.Peer) || due(member.HealthcheckClient);

    /// <summary>Secret: it holds a client key.</summary>
    public Task SaveAdminKubeconfigAsync(string kubeconfig, CancellationToken cancellationToken) =>
        _backend.WriteAsync(AdminKubeconfigFile, kubeconfig, cancellationToken);

    /// <summary>Null before the first control plane was initialized.</summary>
    public Task<string?> LoadAdminKubeconfigAsync(CancellationToken cancellationToken) =>
        _backend.ReadAsync(AdminKubeconfigFile, cancellationToken);

    /// <summary>Empty before the first reconcile.</summary>
    public async Task<IReadOnlyList<ManagedHost>> LoadInventoryAsync(CancellationToken cancellationToken) =>
        await ReadAsync<List<ManagedHost>>(InventoryFile, cancellationToken, InventoryJson) ?? [];

    /// <summary>Under the store's gate, so a step forgetting a host and a reconcile recording the reached ones never lose each other's write.</summary>
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
                await _backend.WriteAsync(InventoryFile, JsonSerializer.Serialize(after, InventoryJson), cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Null when absent; a path under <see cref="Directory"/> is accepted too.</summary>
    private async Task<T?> ReadAsync<T>(string name, CancellationToken cancellationToken, JsonSerializerOptions? options = null)
        where T : class
    {
        var item = ItemName(name);
        var text = await _backend.ReadAsync(item, cancellationToken);
        if (text is null)
        {
            return null;
        }

        return JsonSerializer.Deserialize<T>(text, options ?? Json) ?? throw new InvalidDataException($"{item} in {Location} is empty");
    }

    private Task WriteAsync<T>(string name, T value, CancellationToken cancellationToken) =>
        _backend.WriteAsync(ItemName(name), JsonSerializer.Serialize(value, Json), cancellationToken);

    /// <summary>False when another writer won; read theirs.</summary>
    private Task<bool> CreateOnceAsync<T>(string name, T value, CancellationToken cancellationToken) =>
        _backend.CreateOnceAsync(ItemName(name), JsonSerializer.Serialize(value, Json), cancellationToken);

    // Callers written against the file layout pass full paths; every backend takes names relative to the store.
    private string ItemName(string name) =>
        name.StartsWith(Directory + "/", StringComparison.Ordinal) ? name[(Directory.Length + 1)..] : name;

    private static string CheckRoot(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        return root;
    }

    private static string CheckCluster(string cluster)
    {
        ArgumentException.ThrowIfNullOrEmpty(cluster);
        return cluster.Contains('/', StringComparison.Ordinal) || cluster is "." or ".."
            ? throw new ArgumentException($"\"{cluster}\" cannot name a folder", nameof(cluster))
            : cluster;
    }

    private sealed record StoredMemberFile(string Address, StoredEtcdMember Certificates)
    {
        public override string ToString() => $"{nameof(StoredMemberFile)} {{ Address = {Address} }}";
    }
}
