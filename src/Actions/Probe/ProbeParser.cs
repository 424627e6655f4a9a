using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using HaKube.Actions.Etcd;
using HaKube.Model.Facts;

namespace HaKube.Actions.Probe;

/// <summary>Reads <see cref="ProbeScript"/>'s output; pure.</summary>
internal static partial class ProbeParser
{
    public static ProbeOutput Parse(string host, string output, ProbeInputs inputs, DateTimeOffset observedAt)
    {
        var raw = RawOutput.Read(output);
        if (raw.Value("probe") != "1" || raw.Value("done") != "1")
        {
            throw new ProbeFormatException($"host {host}: the probe output is incomplete (no {(raw.Value("probe") is null ? "start" : "end")} marker)");
        }

        var stat = raw.Sections("stat").SelectMany(s => s.Lines).Select(StatLine.Parse).OfType<StatLine>()
            .GroupBy(s => s.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var binaries = ReadBinaries(raw, stat, inputs);
        var facts = new HostFacts
        {
            Host = host,
            Reachable = true,
            ObservedAt = observedAt,
            Os = new OsFacts(raw.Value("hostname") ?? "", Empty(raw.Value("os.ID")),
                Empty(raw.Value("os.VERSION_ID")), Empty(raw.Value("os.PRETTY_NAME")), raw.Value("kernel") ?? "", raw.Value("arch") ?? ""),
            Prerequisites = new NodePrerequisites(
                SwapOn: int.TryParse(raw.Value("swaps"), out var swaps) && swaps > 0,
                IpForward: raw.Value("ip_forward") switch { "1" => true, "0" => false, _ => null },
                BrNetfilter: raw.Value("br_netfilter") == "1",
                ContainerdInstalled: raw.Value("bin.containerd") is not null),
            Versions = new KubeVersions(
                binaries.GetValueOrDefault("kubelet")?.Version,
                binaries.GetValueOrDefault("kubeadm")?.Version,
                binaries.GetValueOrDefault("kubectl")?.Version),
            Services = ReadServices(raw),
            Files = ReadFiles(raw, stat, inputs),
            ListeningPorts = ReadPorts(raw, inputs.Address),
            Programs = ProbeScript.VersionedBinaries.Concat(ProbeScript.PresenceBinaries).Where(b => raw.Value("bin." + b) is not null).ToHashSet(StringComparer.Ordinal),
            EtcdDataPresent = raw.Value("etcd_data") == "1",
            Etcd = ReadEtcd(raw),
            CaBundlePresent = raw.Value("ca_bundle") == "1",
            Containerd = ReadContainerd(raw),
            EtcdDefaultDataPresent = raw.Value("etcd_default") == "1",
            EtcdManifestRecord = Empty(raw.Value("etcd_manifest_record")?.Trim()),
            StaticPodImages = ReadStaticPodImages(raw),
            ApiServerEtcdServers = ReadEtcdServers(raw),
            Nodes = ReadNodes(raw),
            HaproxyServersInMaintenance = raw.Value("haproxy_maint")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [],
        };
        return new ProbeOutput(facts, binaries);
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static Dictionary<string, KnownBinary> ReadBinaries(RawOutput raw, Dictionary<string, StatLine> stat, ProbeInputs inputs)
    {
        var result = new Dictionary<string, KnownBinary>(StringComparer.Ordinal);
        foreach (var name in ProbeScript.VersionedBinaries)
        {
            if (raw.Value("bin." + name) is not { } path || !stat.TryGetValue(path, out var line))
            {
                continue;
            }

            var ran = raw.Sections("version").FirstOrDefault(s => s.Argument?.Split(' ')[0] == name);
            if (ran is not null)
            {
                var version = ran.Status == 0 ? VersionPattern().Match(string.Join('\n', ran.Lines)) : Match.Empty;
                result[name] = new KnownBinary(line.Identity, version.Success ? version.Value : null);
            }
            else if (inputs.KnownBinaries.TryGetValue(name, out var known) && known.Identity == line.Identity)
            {
                result[name] = known;
            }
            else
            {
                // The binary changed between the daemon's question and now: unknown, asked again next cycle.
                result[name] = new KnownBinary(line.Identity + "?", null);
            }
        }

        return result;
    }

    private static Dictionary<string, string> ReadStaticPodImages(RawOutput raw)
    {
        var images = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var component in HostFacts.StaticPodComponents)
        {
            // YAML may quote the scalar; the tag is what matters.
            if (raw.Value("image." + component)?.Trim('"', '\'', ' ') is { Length: > 0 } image)
            {
                images[component] = image;
            }
        }

        return images;
    }

    /// <summary>Null when not asked, when kubectl failed, or when its output is not a node list.</summary>
    private static List<ClusterNode>? ReadNodes(RawOutput raw)
    {
        if (raw.Sections("nodes").FirstOrDefault() is not { Status: 0 } section)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(string.Join('\n', section.Lines));
            if (!document.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var nodes = new List<ClusterNode>();
            foreach (var item in items.EnumerateArray())
            {
                nodes.Add(ReadNode(item));
            }

            return nodes;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return null;
        }
    }

    /// <exception cref="KeyNotFoundException">It has no metadata or name.</exception>
    internal static ClusterNode ReadNode(JsonElement item)
    {
        var metadata = item.GetProperty("metadata");
        var annotations = Strings(metadata, "annotations");
        return new ClusterNode(metadata.GetProperty("name").GetString() ?? "", Strings(metadata, "labels"),
            NodeLabelOwnership.ParseOwned(annotations.GetValueOrDefault(NodeLabelOwnership.OwnerAnnotation)));
    }

    private static Dictionary<string, string> Strings(JsonElement metadata, string name) =>
        metadata.TryGetProperty(name, out var map) && map.ValueKind == JsonValueKind.Object
            ? map.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    private static string[]? ReadEtcdServers(RawOutput raw) =>
        raw.Value("etcd_servers")?.Trim('"', '\'', ' ') is { Length: > 0 } servers
            ? servers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : null;

    private static Dictionary<string, ServiceState> ReadServices(RawOutput raw)
    {
        var states = raw.Sections("services").SelectMany(s => s.Lines).ToList();
        var result = new Dictionary<string, ServiceState>(StringComparer.Ordinal);
        for (var i = 0; i < ProbeScript.Units.Count; i++)
        {
            result[ProbeScript.Units[i]] = i < states.Count ? State(states[i]) : ServiceState.Unknown;
        }

        return result;
    }

    private static ServiceState State(string text) => text.Trim() switch
    {
        "active" => ServiceState.Active,
        "inactive" => ServiceState.Inactive,
        "failed" => ServiceState.Failed,
        "activating" => ServiceState.Activating,
        "deactivating" => ServiceState.Deactivating,
        "reloading" => ServiceState.Reloading,
        _ => ServiceState.Unknown,
    };

    private static Dictionary<string, FileFact> ReadFiles(RawOutput raw, Dictionary<string, StatLine> stat, ProbeInputs inputs)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in raw.Sections("sha256").SelectMany(s => s.Lines))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space == 64)
            {
                hashes[line[(space + 1)..].TrimStart(' ', '*')] = line[..64];
            }
        }

        var expiries = Certificates.NotAfter(raw.Sections("certs").SelectMany(s => s.Lines));
        var binaries = ProbeScript.VersionedBinaries.Concat(ProbeScript.PresenceBinaries).Select(b => raw.Value("bin." + b)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var files = inputs.Files.ToDictionary(f => f, _ => FileFact.Absent, StringComparer.Ordinal);
        foreach (var (path, line) in stat)
        {
            if (binaries.Contains(path))
            {
                continue;
            }

            files[path] = new FileFact(true, hashes.GetValueOrDefault(path), line.Mode, line.Uid, line.Gid, line.Size, expiries.TryGetValue(path, out var notAfter) ? notAfter : null);
        }

        return files;
    }

    private static HashSet<int> ReadPorts(RawOutput raw, string hostAddress)
    {
        var ports = new HashSet<int>();
        foreach (var socket in raw.Values("listen"))
        {
            if (ListenSocket.TryParse(socket, out var address, out var port) && ListenSocket.Serves(address, hostAddress))
            {
                ports.Add(port);
            }
        }

        return ports;
    }

    private static ContainerdFacts ReadContainerd(RawOutput raw)
    {
        if (raw.Value("containerd.config") != "1")
        {
            return ContainerdFacts.Absent;
        }

        // The first setting counts: containerd's default file has one of each.
        var cgroup = raw.Values("containerd.systemd_cgroup").Select(TomlScalar).FirstOrDefault();
        var sandbox = raw.Values("containerd.sandbox").Select(TomlScalar).FirstOrDefault();
        var configPath = raw.Values("containerd.config_path").Select(TomlScalar).FirstOrDefault();
        return new ContainerdFacts(true, cgroup switch { "true" => true, "false" => false, _ => null }, string.IsNullOrEmpty(sandbox) ? null : sandbox)
        {
            ConfigPath = string.IsNullOrEmpty(configPath) ? null : configPath,
        };
    }

    /// <summary>A bare word or quoted string, maybe followed by a comment.</summary>
    private static string TomlScalar(string value)
    {
        var v = value.Trim();
        if (v.Length > 0 && (v[0] == '"' || v[0] == '\''))
        {
            var end = v.IndexOf(v[0], 1);
            return end > 0 ? v[1..end] : v[1..];
        }

        var hash = v.IndexOf('#', StringComparison.Ordinal);
        return (hash < 0 ? v : v[..hash]).Trim();
    }

    /// <summary>Three gateway answers, each closed by curl's "@@http CODE ERROR"; code 000 reached nothing.</summary>
    private static EtcdFacts? ReadEtcd(RawOutput raw)
    {
        if (raw.Value("etcd_nocurl") == "1")
        {
            return new EtcdFacts(false, [], "curl is not installed: HaKube reads etcd through its JSON gateway with curl (PrepareHost installs it)");
        }

        if (raw.Sections("etcd").FirstOrDefault() is not { } section)
        {
            return null;
        }

        var answers = new List<(int Code, string Body, string Error)>();
        var body = new List<string>();
        foreach (var line in section.Lines)
        {
            if (line.StartsWith("@@http ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                var code = int.TryParse(space < 0 ? rest : rest[..space], out var c) ? c : 0;
                answers.Add((code, string.Join('\n', body), space < 0 ? "" : rest[(space + 1)..].Trim()));
                body.Clear();
            }
            else
            {
                body.Add(line);
            }
        }

        if (answers.Count == 0)
        {
            return new EtcdFacts(false, [], "curl printed no answer from etcd's gateway");
        }

        var (listCode, listBody, listError) = answers[0];
        var healthy = answers.Count > 1 && answers[1].Code == 200 && EtcdGatewayJson.Healthy(answers[1].Body);
        var version = answers.Count > 2 && answers[2].Code == 200 ? EtcdGatewayJson.ServerVersion(answers[2].Body) : null;
        var kubeadmConfig = answers.Count > 3 && answers[3].Code == 200 && EtcdGatewayJson.Count(answers[3].Body) is { } count ? count > 0 : (bool?)null;
        if (listCode != 200)
        {
            var why = listCode == 0 ? $"curl: {listError}" : $"member list: HTTP {listCode}: {EtcdGatewayJson.Error(listBody)}";
            return new EtcdFacts(healthy, [], why) { Version = version, KubeadmConfigStored = kubeadmConfig };
        }

        string? unhealthy = null;
        if (!healthy)
        {
            unhealthy = answers.Count < 2 ? "no health answer"
                : answers[1].Code == 0 ? $"curl: {answers[1].Error}"
                : $"/health: HTTP {answers[1].Code}: {EtcdGatewayJson.Error(answers[1].Body)}";
        }

        try
        {
            return new EtcdFacts(healthy, EtcdGatewayJson.Members(listBody), unhealthy) { Version = version, KubeadmConfigStored = kubeadmConfig };
        }
        catch (JsonException e)
        {
            return new EtcdFacts(healthy, [], "unreadable member list from etcd's gateway: " + e.Message) { Version = version, KubeadmConfigStored = kubeadmConfig };
        }
    }

    [GeneratedRegex(@"v[0-9]+\.[0-9]+\.[0-9]+[0-9A-Za-z.+-]*")]
    private static partial Regex VersionPattern();

    /// <summary>"path mode uid gid size mtime inode".</summary>
    private sealed record StatLine(string Path, string Mode, int Uid, int Gid, long Size, string Identity)
    {
        public static StatLine? Parse(string line)
        {
            var f = line.Split(' ');
            return f.Length == 7 && int.TryParse(f[2], CultureInfo.InvariantCulture, out var uid) && int.TryParse(f[3], CultureInfo.InvariantCulture, out var gid) &&
                long.TryParse(f[4], CultureInfo.InvariantCulture, out var size)
                ? new StatLine(f[0], f[1], uid, gid, size, $"{f[4]}:{f[5]}:{f[6]}")
                : null;
        }
    }
}
