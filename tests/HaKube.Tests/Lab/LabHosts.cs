using System.Globalization;
using System.Text;
using HaKube.Tests.Support;

namespace HaKube.Tests.Lab;

/// <summary>One lab host as a test sees it: where to connect and which keys to trust and use.</summary>
/// <param name="Name">Hostname inside the host (UTS namespace).</param>
/// <param name="Address">Its sshd's address: 127.x.y.z, or 198.18.x.y for bastion-topology hosts.</param>
/// <param name="Port">Its sshd's port (22).</param>
/// <param name="HostKey">Its public host key as a manifest pins it: "ssh-ed25519 AAAA...".</param>
/// <param name="KnownHostsPath">A known_hosts file with every lab host's address and key.</param>
/// <param name="ClientKeyPath">The private key every lab host accepts for root and hakube.</param>
/// <param name="Folder">The host's folder in the lab; its own files are under Folder/fs.</param>
/// <param name="NetworkNamespace">The lab network namespace it lives in, or null (the machine's).</param>
public sealed record LabHost(
    string Name,
    string Address,
    int Port,
    string HostKey,
    string KnownHostsPath,
    string ClientKeyPath,
    string Folder,
    string? NetworkNamespace)
{
    /// <summary>The host's sshd log (LogLevel VERBOSE) as seen from the machine.</summary>
    public string SshdLogPath => Path.Combine(Folder, "fs", "var", "log", "sshd.log");

    /// <summary>A path inside the host (such as /etc/kubernetes/admin.conf) as seen from the machine.</summary>
    public string PathOnMachine(string pathInHost)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathInHost);
        return Path.Combine(Folder, "fs", pathInHost.TrimStart('/'));
    }
}

/// <summary>How strict the lab's hosts are (lab.sh's HAKUBE_LAB_LENIENT, FIDELITY.md).</summary>
public enum LabStrictness
{
    /// <summary>Whatever HAKUBE_LAB_LENIENT in the test run's environment says (strict when unset).</summary>
    FromEnvironment,

    /// <summary>A fresh Debian 12 host: only what its packages installed, the stand-ins' full checks.</summary>
    Strict,

    /// <summary>The former lab: the machine's commands visible, no maintainer scripts, former checks.</summary>
    Lenient,
}

/// <summary>How to start a lab: host names PREFIX1.., addresses BASE.1.., its own folder.</summary>
/// <param name="Prefix">Host name prefix; also names the folder /tmp/hakube-lab-PREFIX by default.</param>
/// <param name="Base">Three octets 127.0.B; pick one no other lab of the test run uses.</param>
/// <param name="Directory">The lab folder; null for /tmp/hakube-lab-PREFIX.</param>
/// <param name="Strictness">Strict or lenient hosts; tests of the strict lab say Strict.</param>
public sealed record LabOptions(
    string Prefix = "lab",
    string Base = "127.0.10",
    string? Directory = null,
    LabStrictness Strictness = LabStrictness.FromEnvironment)
{
    /// <summary>
    /// HAKUBE_LAB_OCTET (1-254) moves every lab of this test run from 127.0.B to 127.OCTET.B and into
    /// folders of its own, so that two checkouts (or two runs) can run lab tests side by side.
    /// </summary>
    public static int Octet { get; } = ReadOctet();

    /// <summary>The three octets the hosts' addresses start with, after <see cref="Octet"/>.</summary>
    public string AddressBase => Isolated(Base);

    public string LabDirectory => Directory ?? (Octet == 0 ? $"/tmp/hakube-lab-{Prefix}" : $"/tmp/hakube-lab-{Octet}-{Prefix}");

    /// <summary>An address or base of the form 127.0.B[.H], moved as <see cref="Octet"/> says.</summary>
    public static string Isolated(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Octet != 0 && address.StartsWith("127.0.", StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"127.{Octet}.{address["127.0.".Length..]}")
            : address;
    }

    private static int ReadOctet()
    {
        var text = Environment.GetEnvironmentVariable("HAKUBE_LAB_OCTET");
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var octet) && octet is >= 1 and <= 254
            ? octet
            : throw new LabException($"HAKUBE_LAB_OCTET must be a number from 1 to 254, not \"{text}\"");
    }
}

/// <summary>
/// Real test hosts on this machine (tests/lab/lab.sh): namespaced hosts, each with a real sshd.
/// Start with <see cref="StartAsync"/>; disposing tears the whole lab down. Any failure to start
/// throws <see cref="LabException"/> with the reason: lab tests fail, they never skip.
/// </summary>
public sealed class LabHosts : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    // lab.sh up is set-up, not what a test checks, and fixtures bring their labs up side by side on a
    // machine others share: 60 s was too short for 7 hosts there.
    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(5);
    private readonly List<LabHost> _hosts;
    private bool _down;

    private LabHosts(string directory, List<LabHost> hosts)
    {
        Directory = directory;
        _hosts = hosts;
    }

    /// <summary>tests/lab/lab.sh in the checkout the tests were built from.</summary>
    public static string Script => RepositoryPaths.Of("tests", "lab", "lab.sh");

    public string Directory { get; }

    public string KnownHostsPath => Path.Combine(Directory, "known_hosts");

    public string ClientKeyPath => Path.Combine(Directory, "client", "id_ed25519");

    /// <summary>An ssh_config with the lab's key and known_hosts (usable with -F, also for -J).</summary>
    public string SshConfigPath => Path.Combine(Directory, "ssh_config");

    public IReadOnlyList<LabHost> Hosts => _hosts;

    public LabHost this[string name] =>
        _hosts.Find(h => h.Name == name) ?? throw new KeyNotFoundException($"no lab host {name}");

    /// <summary>
    /// Tears down whatever an earlier run left in the same folder, then starts <paramref name="count"/> hosts.
    /// </summary>
    public static async Task<LabHosts> StartAsync(int count, LabOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LabOptions();
        if (!Environment.IsPrivilegedProcess)
        {
            throw new LabException("the lab needs root (namespaces, mounts, sshd on 127.x.y.z); run the lab tests as root");
        }

        if (!File.Exists(Script))
        {
            throw new LabException($"lab script not found: {Script}");
        }

        var directory = options.LabDirectory;
        await RunScriptAsync(directory, ["down"], cancellationToken).ConfigureAwait(false);
        try
        {
            var up = new[] { "up", count.ToString(CultureInfo.InvariantCulture), "--prefix", options.Prefix, "--base", options.AddressBase };
            var environment = LabEnvironment(directory);
            if (options.Strictness != LabStrictness.FromEnvironment)
            {
                environment["HAKUBE_LAB_LENIENT"] = options.Strictness == LabStrictness.Lenient ? "1" : "0";
            }

            (await LabProcess.RunAsync(Script, up, UpTimeout, environment, cancellationToken).ConfigureAwait(false))
                .EnsureSuccess($"lab.sh {string.Join(' ', up)}");
            var lab = new LabHosts(directory, []);
            lab.Reload();
            return lab;
        }
        catch
        {
            await RunScriptAsync(directory, ["down"], CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Adds PREFIX-bastion and PREFIX-private (reachable only through the bastion); returns both.</summary>
    public async Task<(LabHost Bastion, LabHost Private)> StartBastionAsync(CancellationToken cancellationToken = default)
    {
        await RunAsync(["bastion-up"], cancellationToken).ConfigureAwait(false);
        Reload();
        var bastion = _hosts.Single(h => h.NetworkNamespace == "hakube-lab-bastion");
        var hidden = _hosts.Single(h => h.NetworkNamespace == "hakube-lab-private");
        return (bastion, hidden);
    }

    /// <summary>Kills everything on the host (sshd included); its files stay.</summary>
    public Task PowerOffAsync(LabHost host, CancellationToken cancellationToken = default) =>
        RunAsync(["poweroff", Name(host)], cancellationToken);

    /// <summary>Starts the host again with the same identity and files; returns once its sshd listens.</summary>
    public Task PowerOnAsync(LabHost host, CancellationToken cancellationToken = default) =>
        RunAsync(["poweron", Name(host)], cancellationToken);

    /// <summary>Stops the host's sshd and kills its SSH sessions; its other processes keep running.</summary>
    public Task CutSshAsync(LabHost host, CancellationToken cancellationToken = default) =>
        RunAsync(["cut-ssh", Name(host)], cancellationToken);

    public Task RestoreSshAsync(LabHost host, CancellationToken cancellationToken = default) =>
        RunAsync(["restore-ssh", Name(host)], cancellationToken);

    /// <summary>
    /// lab.sh air-gap: the host of an air-gapped site, as from a golden image holding these Debian
    /// packages; its stand-ins then reach lab addresses only (tests/lab/standins/FIDELITY.md).
    /// </summary>
    public Task AirGapAsync(LabHost host, IEnumerable<string> goldenPackages, CancellationToken cancellationToken = default) =>
        RunAsync(["air-gap", Name(host), .. goldenPackages ?? []], cancellationToken);

    /// <summary>lab.sh status: one line per host, "name address on|off up|down|-".</summary>
    public async Task<string> StatusAsync(CancellationToken cancellationToken = default) =>
        (await RunAsync(["status"], cancellationToken).ConfigureAwait(false)).StandardOutput;

    /// <summary>Runs a program inside the host's namespaces as root (not over SSH); does not throw on failure.</summary>
    public Task<LabCommandResult> ExecAsync(LabHost host, IEnumerable<string> command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return LabProcess.RunAsync(Script, ["exec", Name(host), .. command], CommandTimeout, LabEnvironment(Directory), cancellationToken);
    }

    /// <summary>Runs a bash script inside the host (to inspect or drift it); does not throw on failure.</summary>
    public Task<LabCommandResult> ShellAsync(LabHost host, string script, CancellationToken cancellationToken = default) =>
        ExecAsync(host, ["/bin/bash", "--noprofile", "--norc", "-c", script], cancellationToken);

    /// <summary>
    /// Runs <paramref name="command"/> on the host with the real OpenSSH client: the lab's client key,
    /// its known_hosts with StrictHostKeyChecking=yes, and no user configuration (-F /dev/null).
    /// </summary>
    public Task<LabCommandResult> SshAsync(
        LabHost host,
        string command,
        string user = "root",
        IEnumerable<string>? extraOptions = null,
        CancellationToken cancellationToken = default)
    {
        _ = Name(host);
        return LabProcess.RunAsync(
            "ssh",
            [.. SshOptions(host, host.KnownHostsPath), .. extraOptions ?? [], $"{user}@{host.Address}", "--", command],
            CommandTimeout,
            cancellationToken: cancellationToken);
    }

    /// <summary>The real ssh client's options for a lab host, given the known_hosts file to trust.</summary>
    public static IReadOnlyList<string> SshOptions(LabHost host, string knownHostsPath)
    {
        ArgumentNullException.ThrowIfNull(host);
        return
        [
            "-F", "/dev/null",
            "-i", host.ClientKeyPath,
            "-o", "IdentitiesOnly=yes",
            "-o", $"UserKnownHostsFile={knownHostsPath}",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "StrictHostKeyChecking=yes",
            "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=5",
            "-p", host.Port.ToString(CultureInfo.InvariantCulture),
        ];
    }

    /// <summary>How many "Starting session" lines the host's sshd logged: one per exec.</summary>
    public static int CountSessions(LabHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (!File.Exists(host.SshdLogPath))
        {
            return 0;
        }

        using var stream = new FileStream(host.SshdLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var sessions = 0;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.Contains("Starting session", StringComparison.Ordinal))
            {
                sessions++;
            }
        }

        return sessions;
    }

    /// <summary>lab.sh down: every host, mount and network namespace of this lab, and its folder.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await RunScriptAsync(Directory, ["down"], cancellationToken).ConfigureAwait(false);
        _down = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_down)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Live (not zombie) processes of the lab in <paramref name="directory"/>: marked with its folder
    /// in their environment, or naming a host folder of it on their command line.
    /// </summary>
    public static IReadOnlyList<int> ProcessesOf(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var marker = Encoding.UTF8.GetBytes($"HAKUBE_LAB_MARK={directory}\0");
        var hostFolders = Encoding.UTF8.GetBytes($"{directory}/hosts/");
        var found = new List<int>();
        foreach (var entry in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(entry, "stat"));
                if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
                {
                    continue;
                }

                var environ = File.ReadAllBytes(Path.Combine(entry, "environ"));
                var cmdline = File.ReadAllBytes(Path.Combine(entry, "cmdline"));
                if (environ.AsSpan().IndexOf(marker) >= 0 || cmdline.AsSpan().IndexOf(hostFolders) >= 0)
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we read it.
            }
        }

        return found;
    }

    /// <summary>Runs lab.sh with the given arguments for a lab folder; throws with its error output on failure.</summary>
    public static async Task<LabCommandResult> RunScriptAsync(string directory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var result = await LabProcess.RunAsync(Script, arguments, CommandTimeout, LabEnvironment(directory), cancellationToken).ConfigureAwait(false);
        return result.EnsureSuccess($"lab.sh {string.Join(' ', arguments)}");
    }

    private Task<LabCommandResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunScriptAsync(Directory, arguments, cancellationToken);

    private static Dictionary<string, string> LabEnvironment(string directory) => new() { ["HAKUBE_LAB_DIR"] = directory };

    private string Name(LabHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return _hosts.Contains(host) ? host.Name : throw new ArgumentException($"{host.Name} is not a host of this lab", nameof(host));
    }

    /// <summary>Reads hosts.tsv: name, address, port, host key, network namespace ("-" for none).</summary>
    private void Reload()
    {
        var index = Path.Combine(Directory, "hosts.tsv");
        if (!File.Exists(index))
        {
            throw new LabException($"the lab wrote no {index}");
        }

        _hosts.Clear();
        foreach (var line in File.ReadAllLines(index).Where(l => l.Length > 0))
        {
            var fields = line.Split('\t');
            if (fields.Length != 5)
            {
                throw new LabException($"unexpected line in {index}: {line}");
            }

            _hosts.Add(new LabHost(
                fields[0],
                fields[1],
                int.Parse(fields[2], CultureInfo.InvariantCulture),
                fields[3],
                KnownHostsPath,
                ClientKeyPath,
                Path.Combine(Directory, "hosts", fields[0]),
                fields[4] == "-" ? null : fields[4]));
        }
    }
}
