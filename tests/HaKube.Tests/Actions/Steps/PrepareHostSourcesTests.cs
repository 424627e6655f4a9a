using HaKube.Actions.Rendering;
using HaKube.Actions.Steps;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Tests.Lab;
using HaKube.Tests.Model.Planning;

namespace HaKube.Tests.Actions.Steps;

/// <summary>
/// PrepareHost with spec.images, spec.packages and spec.proxy: the script stays valid POSIX sh,
/// sets the proxy before apt's first use, writes every file the planner compares with exactly the
/// content it compares, and edits containerd's registry folder into a configuration of containerd's
/// own layout.
/// </summary>
public sealed class PrepareHostSourcesTests
{
    private static readonly ReferencedContent Content = new(
        new Dictionary<string, string>(StringComparer.Ordinal) { ["quay.io"] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" },
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBG\n-----END PGP PUBLIC KEY BLOCK-----\n");

    private static HaClusterSpec Mirrored(string? fingerprint = null) => Clusters.Spec(EtcdTopology.External).Spec with
    {
        Images = new ImagesSpec
        {
            Repository = "registry.example.internal/k8s",
            RegistryMirrors = [new RegistryMirror { Registry = "quay.io", Url = "https://registry.example.internal:5000", CaFile = "certs/ca.crt" }],
        },
        Packages = new PackagesSpec { Repository = "https://apt.example.internal/pkgs.k8s.io", KeyFile = "keys/release.asc", KeyFingerprint = fingerprint },
        Proxy = new ProxySpec { HttpsProxy = "http://proxy.example.internal:3128" },
    };

    private static string ScriptFor(HaClusterSpec spec, string host) => PrepareHostStep.Script(spec, spec.Hosts.Single(h => h.Name == host), Content);

    [TestCase("cp1")]
    [TestCase("etcd1")]
    [TestCase("lb1")]
    public async Task Script_MirroredSpec_IsValidPosixSh(string host)
    {
        var path = Path.Combine(Path.GetTempPath(), $"hakube-prepare-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(path, ScriptFor(Mirrored(), host));
        try
        {
            var result = await LabProcess.RunAsync("/bin/sh", ["-n", path], TimeSpan.FromSeconds(10));

            Assert.That(result.Succeeded, Is.True, result.StandardError);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Script_Proxy_IsSetForAptBeforeItsFirstUse()
    {
        var script = ScriptFor(Mirrored(), "cp1");

        var proxy = script.IndexOf(ProxyRenderer.AptPath, StringComparison.Ordinal);
        var firstUse = script.IndexOf("apt_update;", StringComparison.Ordinal);

        Assert.That(proxy, Is.GreaterThan(0).And.LessThan(firstUse));
    }

    [Test]
    public void Script_EveryDesiredSourceFile_IsWrittenWithTheContentThePlannerCompares()
    {
        var spec = Mirrored();
        var script = ScriptFor(spec, "w1");

        foreach (var file in ManagedFiles.SourceFiles(spec, Content).Where(f => f.Path != KnownPaths.AptKeyringArmored))
        {
            Assert.That(script, Does.Contain($"printf '%s' {HaKube.Actions.Ssh.ShellQuote.Quote(file.Content)} > {HaKube.Actions.Ssh.ShellQuote.Quote(file.Path)}\n"), file.Path);
        }

        Assert.That(script, Does.Contain($"printf '%s' {HaKube.Actions.Ssh.ShellQuote.Quote(Content.PackageKey!)} > {KnownPaths.AptKeyringArmored}.tmp\n"));
    }

    [Test]
    public void Script_GivenKeyWithoutFingerprint_WritesItAndDownloadsNothing()
    {
        var script = ScriptFor(Mirrored(), "w1");

        Assert.Multiple(() =>
        {
            Assert.That(script, Does.Not.Contain("Release.key"));
            Assert.That(script, Does.Not.Contain("fpr_of /etc/apt/keyrings/kubernetes-apt-keyring.asc.tmp"));
            Assert.That(script, Does.Contain("mv -f /etc/apt/keyrings/kubernetes-apt-keyring.asc.tmp /etc/apt/keyrings/kubernetes-apt-keyring.asc"));
        });
    }

    [Test]
    public void Script_GivenKeyWithFingerprint_ChecksItBeforeUse()
    {
        var script = ScriptFor(Mirrored("0123456789ABCDEF0123456789ABCDEF01234567"), "w1");

        var check = script.IndexOf("[ \"$fpr\" = 0123456789ABCDEF0123456789ABCDEF01234567 ]", StringComparison.Ordinal);
        var move = script.IndexOf("mv -f /etc/apt/keyrings/kubernetes-apt-keyring.asc.tmp", StringComparison.Ordinal);

        Assert.That(check, Is.GreaterThan(0).And.LessThan(move));
    }

    [Test]
    public void Script_MirrorWithoutKey_DownloadsTheMirrorsReleaseKeyThroughTheProxyAndChecksPkgsK8sIosFingerprint()
    {
        var spec = Mirrored() with { Packages = new PackagesSpec { Repository = "https://apt.example.internal/pkgs.k8s.io" } };

        var script = ScriptFor(spec, "w1");

        Assert.Multiple(() =>
        {
            Assert.That(script, Does.Contain("-o /etc/apt/keyrings/kubernetes-apt-keyring.gpg.asc https://apt.example.internal/pkgs.k8s.io/core:/stable:/v1.31/deb/Release.key \\\n"));
            Assert.That(script, Does.Contain($"[ \"$fpr\" = {HostPrerequisiteFiles.SigningKeyFingerprint} ]"));
            Assert.That(script.IndexOf("export https_proxy=http://proxy.example.internal:3128\n", StringComparison.Ordinal), Is.GreaterThan(0).And.LessThan(script.IndexOf("curl -fsSL", StringComparison.Ordinal)));
        });
    }

    [Test]
    public void Script_Mirrors_SetsThePauseImageUnderTheRepositoryAndTheRegistryFolder()
    {
        var script = ScriptFor(Mirrored(), "cp1");

        Assert.Multiple(() =>
        {
            Assert.That(script, Does.Contain("pause=registry.example.internal/k8s/pause:3.10\n"));
            Assert.That(script, Does.Contain(PrepareHostStep.ConfigPathEdit));
        });
    }

    [Test]
    public void Script_NoMirrorsNoProxy_LeavesConfigPathAloneAndRemovesOldProxyFiles()
    {
        var spec = Clusters.Spec().Spec;

        var script = ScriptFor(spec, "w1");

        Assert.Multiple(() =>
        {
            Assert.That(script, Does.Not.Contain("config_path"));
            Assert.That(script, Does.Contain($"rm -f {KnownPaths.AptProxy}\n"));
            Assert.That(script, Does.Contain($"rm -f {KnownPaths.ContainerdProxyDropIn}; systemctl daemon-reload"));
        });
    }

    // containerd 1.6's default (Debian 12) names the folder once under CRI's registry, empty; containerd
    // 2's names it for CRI's images and for the transfer service, with its own defaults.
    [TestCase("version = 2\n[plugins]\n  [plugins.\"io.containerd.grpc.v1.cri\"]\n    sandbox_image = \"registry.k8s.io/pause:3.6\"\n    [plugins.\"io.containerd.grpc.v1.cri\".registry]\n      config_path = \"\"\n\n      [plugins.\"io.containerd.grpc.v1.cri\".registry.auths]\n")]
    [TestCase("version = 3\n[plugins]\n  [plugins.'io.containerd.cri.v1.images'.registry]\n    config_path = '/etc/containerd/certs.d:/etc/docker/certs.d'\n  [plugins.'io.containerd.transfer.v1.local']\n    config_path = '/etc/containerd/certs.d:/etc/docker/certs.d'\n")]
    public async Task ConfigPathEdit_ContainerdsDefaultLayout_SetsEveryConfigPathToTheRegistryFolder(string config)
    {
        var folder = Directory.CreateTempSubdirectory("hakube-containerd-").FullName;
        try
        {
            var cfg = Path.Combine(folder, "config.toml");
            await File.WriteAllTextAsync(cfg + ".hakube-new", config);
            var script = $"set -eu\nfail() {{ echo \"$*\" >&2; exit 1; }}\ncfg='{cfg}'\n" + PrepareHostStep.ConfigPathEdit;

            var result = await LabProcess.RunAsync("/bin/sh", ["-c", script], TimeSpan.FromSeconds(10));

            var edited = await File.ReadAllTextAsync(cfg + ".hakube-new");
            Assert.That(result.Succeeded, Is.True, result.StandardError);
            Assert.That(edited.Split('\n').Where(l => l.Contains("config_path", StringComparison.Ordinal)).Select(l => l.Trim()), Is.Not.Empty.And.All.EqualTo("config_path = \"/etc/containerd/certs.d\""));
            Assert.That(edited.Replace("\"/etc/containerd/certs.d\"", "", StringComparison.Ordinal), Does.Not.Contain("certs.d\""), "nothing else changed");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task ConfigPathEdit_ConfigurationWithoutConfigPath_Fails()
    {
        var folder = Directory.CreateTempSubdirectory("hakube-containerd-").FullName;
        try
        {
            var cfg = Path.Combine(folder, "config.toml");
            await File.WriteAllTextAsync(cfg + ".hakube-new", "version = 2\n[plugins]\n");
            var script = $"set -eu\nfail() {{ echo \"$*\" >&2; exit 1; }}\ncfg='{cfg}'\n" + PrepareHostStep.ConfigPathEdit;

            var result = await LabProcess.RunAsync("/bin/sh", ["-c", script], TimeSpan.FromSeconds(10));

            Assert.That(result.Succeeded, Is.False);
            Assert.That(result.StandardError, Does.Contain("has no registry config_path"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task FingerprintFunction_ArmoredKeyFromGpg_IsItsPrimaryFingerprint()
    {
        // A real key made by gpg, read back by the function PrepareHost runs before trusting a key.
        var folder = Directory.CreateTempSubdirectory("hakube-gpg-").FullName;
        try
        {
            var home = Path.Combine(folder, "home");
            Directory.CreateDirectory(home);
            var generate = await LabProcess.RunAsync("gpg", ["--homedir", home, "--batch", "--passphrase", "", "--quick-gen-key", "HaKube test <test@example.invalid>", "ed25519", "sign", "1d"], TimeSpan.FromSeconds(60));
            Assert.That(generate.Succeeded, Is.True, generate.StandardError);
            var listed = await LabProcess.RunAsync("gpg", ["--homedir", home, "--batch", "--with-colons", "--list-keys"], TimeSpan.FromSeconds(30));
            var expected = listed.StandardOutput.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
            var exported = await LabProcess.RunAsync("gpg", ["--homedir", home, "--batch", "--armor", "--export"], TimeSpan.FromSeconds(30));
            var key = Path.Combine(folder, "release.asc");
            await File.WriteAllTextAsync(key, exported.StandardOutput);
            await File.WriteAllTextAsync(Path.Combine(folder, "not-a-key.asc"), "not a key\n");

            var result = await LabProcess.RunAsync("/bin/sh", ["-c", PrepareHostStep.FingerprintFunction + $"\nfpr_of '{key}'; echo \"$fpr\"; fpr_of '{folder}/not-a-key.asc'; echo \"[$fpr]\""], TimeSpan.FromSeconds(30));

            Assert.That(expected, Has.Length.EqualTo(40));
            Assert.That(result.StandardOutput, Is.EqualTo($"{expected}\n[]\n"), result.StandardError);
            Assert.That(HaKube.Actions.Rendering.ReferencedContentReader.CheckPublicKey("k", System.Text.Encoding.UTF8.GetBytes(exported.StandardOutput)), Is.EqualTo(exported.StandardOutput));
        }
        finally
        {
            // Key generation starts a gpg-agent for that home; stop it with the home.
            await LabProcess.RunAsync("gpgconf", ["--homedir", Path.Combine(folder, "home"), "--kill", "gpg-agent"], TimeSpan.FromSeconds(10));
            Directory.Delete(folder, recursive: true);
        }
    }
}
