using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaKube.Tests.Lab;
using HaKube.Tests.Support;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// The lab's stand-ins for a site's own mirrors (tests/lab/standins/registry.py and aptmirror.py),
/// each a process on a lab address that logs every request: an OCI registry over HTTPS with a
/// certificate from a CA made here, and a pkgs.k8s.io-layout apt mirror whose InRelease is signed
/// by an OpenPGP key made here with the real gpg. Both stop with <see cref="DisposeAsync"/> (and
/// stop themselves after an hour).
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class LabMirrors : IAsyncDisposable
{
    private const int RegistryPort = 5000;
    private const int AptPort = 8080;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly List<Process> _processes = [];

    private LabMirrors(string folder, string registryAddress, string aptAddress)
    {
        Folder = folder;
        RegistryAddress = registryAddress;
        AptAddress = aptAddress;
    }

    public string Folder { get; }

    public string RegistryAddress { get; }

    public string AptAddress { get; }

    /// <summary>The registry as containerd names it: ADDRESS:PORT.</summary>
    public string Registry => string.Create(CultureInfo.InvariantCulture, $"{RegistryAddress}:{RegistryPort}");

    public string RegistryUrl => "https://" + Registry;

    public string AptUrl => string.Create(CultureInfo.InvariantCulture, $"http://{AptAddress}:{AptPort}");

    public string CaPath => Path.Combine(Folder, "registry-ca.crt");

    /// <summary>The apt mirror's signing key, ASCII-armored, and its fingerprint.</summary>
    public string KeyPath => Path.Combine(Folder, "mirror-key.asc");

    public string KeyFingerprint { get; private set; } = "";

    public string RegistryLogPath => Path.Combine(Folder, "registry.log");

    public string AptLogPath => Path.Combine(Folder, "apt-mirror.log");

    public static async Task<LabMirrors> StartAsync(string registryAddress, string aptAddress)
    {
        var mirrors = new LabMirrors(Directory.CreateTempSubdirectory("hakube-mirrors-").FullName, registryAddress, aptAddress);
        try
        {
            mirrors.WriteCertificates();
            await mirrors.MakeSigningKeyAsync();
            var standins = RepositoryPaths.Of("tests", "lab", "standins");
            await mirrors.StartAsync(Path.Combine(standins, "registry.py"), "--listen", mirrors.Registry, "--log", mirrors.RegistryLogPath,
                "--cert", Path.Combine(mirrors.Folder, "registry.crt"), "--key", Path.Combine(mirrors.Folder, "registry.key"),
                "--serve-as", "k8s=registry.k8s.io", "--max-seconds", "3600");
            await mirrors.StartAsync(Path.Combine(standins, "aptmirror.py"), "--listen", $"{aptAddress}:{AptPort}", "--log", mirrors.AptLogPath,
                "--gnupghome", Path.Combine(mirrors.Folder, "gnupg"), "--max-seconds", "3600");
            return mirrors;
        }
        catch
        {
            await mirrors.DisposeAsync();
            throw;
        }
    }

    /// <summary>The logged requests: client, method, path (with its query) and status.</summary>
    public static IReadOnlyList<(string Client, string Method, string Path, int Status)> ReadLog(string path) =>
        File.Exists(path)
            ? [.. File.ReadLines(path).Select(l => l.Split('\t')).Select(f => (f[1], f[2], f[3], int.Parse(f[4], CultureInfo.InvariantCulture)))]
            : [];

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }

            process.Dispose();
        }

        Directory.Delete(Folder, recursive: true);
    }

    private void WriteCertificates()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=HaKube lab registry CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = TimeProvider.System.GetUtcNow();
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=lab registry", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Parse(RegistryAddress));
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(12));

        File.WriteAllText(CaPath, ca.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(Folder, "registry.crt"), server.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(Folder, "registry.key"), key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    private async Task MakeSigningKeyAsync()
    {
        var home = Path.Combine(Folder, "gnupg");
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var timeout = TimeSpan.FromSeconds(60);
        (await LabProcess.RunAsync("gpg", ["--homedir", home, "--batch", "--passphrase", "", "--quick-gen-key", "HaKube lab apt mirror <lab@hakube.invalid>", "ed25519", "sign", "1d"], timeout))
            .EnsureSuccess("gpg --quick-gen-key");
        var armored = (await LabProcess.RunAsync("gpg", ["--homedir", home, "--batch", "--armor", "--export"], timeout)).EnsureSuccess("gpg --export");
        await File.WriteAllTextAsync(KeyPath, armored.StandardOutput);
        var colons = (await LabProcess.RunAsync("gpg", ["--homedir", home, "--batch", "--with-colons", "--list-keys"], timeout)).EnsureSuccess("gpg --list-keys");
        KeyFingerprint = colons.StandardOutput.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
    }

    private async Task StartAsync(string script, params string[] arguments)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new LabException($"could not start {script}");
        _processes.Add(process);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(StartTimeout);
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
        if (line is null || !line.StartsWith("serving on ", StringComparison.Ordinal))
        {
            throw new LabException($"{Path.GetFileName(script)} did not start: {line ?? "(no output)"}");
        }
    }
}
