using HaKube.Model.Api;
using HaKube.Model.Validation;
using HaKube.Reconciler.Manifests;
using HaKube.Tests.Support;

namespace HaKube.Tests.Reconciler.Manifests;

/// <summary>Key and known_hosts paths stay in the manifest's folder (symlinks resolved) unless an operator widens it; only bounded regular files.</summary>
public sealed class ReferencedFilesOnDiskTests
{
    private string _root = "";
    private string _outside = "";
    private string _manifest = "";

    [SetUp]
    public void CreateFolders()
    {
        _root = Directory.CreateTempSubdirectory("hakube-keys-").FullName;
        _outside = Directory.CreateTempSubdirectory("hakube-elsewhere-").FullName;
        _manifest = Path.Combine(_root, "cluster.yaml");
        Directory.CreateDirectory(Path.Combine(_root, "keys"));
        File.WriteAllText(Path.Combine(_root, "keys", "id"), "key");
        File.WriteAllText(Path.Combine(_outside, "id"), "someone else's key");
    }

    [TearDown]
    public void DeleteFolders()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    [Test]
    public void Check_FileInsideTheManifestFolder_Fine() =>
        Assert.That(new ReferencedFilesOnDisk([]).Check(_manifest, "keys/id", SshSpec.MaxPrivateKeyBytes), Is.Null);

    [Test]
    public void Check_AbsolutePathOutside_RefusedNamingBothFolders()
    {
        var problem = new ReferencedFilesOnDisk([]).Check(_manifest, Path.Combine(_outside, "id"), SshSpec.MaxPrivateKeyBytes);

        Assert.That(problem, Is.EqualTo(new ReferencedFileProblem(ReferencedFileProblemKind.OutsideAllowedFolders, Path.Combine(_outside, "id"), _root)));
    }

    [Test]
    public void Check_DotDotOutside_Refused()
    {
        var relative = Path.GetRelativePath(_root, Path.Combine(_outside, "id"));

        Assert.That(new ReferencedFilesOnDisk([]).Check(_manifest, relative, SshSpec.MaxPrivateKeyBytes)?.Kind, Is.EqualTo(ReferencedFileProblemKind.OutsideAllowedFolders));
    }

    [Test]
    public void Check_SymlinkInsidePointingOutside_Refused()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "keys", "link"), Path.Combine(_outside, "id"));

        var problem = new ReferencedFilesOnDisk([]).Check(_manifest, "keys/link", SshSpec.MaxPrivateKeyBytes);

        Assert.That(problem?.Kind, Is.EqualTo(ReferencedFileProblemKind.OutsideAllowedFolders));
        Assert.That(problem?.ResolvedPath, Is.EqualTo(Path.Combine(_outside, "id")));
    }

    [Test]
    public void Check_AllowPathsOutside_WidensTheScope() =>
        Assert.That(new ReferencedFilesOnDisk([_outside]).Check(_manifest, Path.Combine(_outside, "id"), SshSpec.MaxPrivateKeyBytes), Is.Null);

    [Test]
    public void Check_DevZeroAllowed_StillNotARegularFile() =>
        Assert.That(new ReferencedFilesOnDisk(["/dev"]).Check(_manifest, "/dev/zero", SshSpec.MaxPrivateKeyBytes)?.Kind, Is.EqualTo(ReferencedFileProblemKind.NotARegularFile));

    [Test]
    public void Check_KeyOverSixtyFourKibibytes_TooLarge()
    {
        File.WriteAllBytes(Path.Combine(_root, "keys", "huge"), new byte[SshSpec.MaxPrivateKeyBytes + 1]);

        var problem = new ReferencedFilesOnDisk([]).Check(_manifest, "keys/huge", SshSpec.MaxPrivateKeyBytes);

        Assert.That(problem, Is.EqualTo(new ReferencedFileProblem(ReferencedFileProblemKind.TooLarge, Path.Combine(_root, "keys", "huge"), (SshSpec.MaxPrivateKeyBytes + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Test]
    public void Check_Folder_NotARegularFile() =>
        Assert.That(new ReferencedFilesOnDisk([]).Check(_manifest, "keys", SshSpec.MaxPrivateKeyBytes)?.Kind, Is.EqualTo(ReferencedFileProblemKind.NotARegularFile));

    [Test]
    public void Check_Missing_SaysWhereItLooked() =>
        Assert.That(new ReferencedFilesOnDisk([]).Check(_manifest, "keys/none", SshSpec.MaxPrivateKeyBytes), Is.EqualTo(new ReferencedFileProblem(ReferencedFileProblemKind.Missing, Path.Combine(_root, "keys", "none"))));

    [Test]
    public async Task LoadAsync_ManifestWhoseKeyIsRootsKey_LocatedErrorNamingTheFieldAndTheFlag()
    {
        var text = (await File.ReadAllTextAsync(RepositoryPaths.Of("examples", "stacked.yaml")))
            .Replace("privateKeyFile: keys/id_ed25519", "privateKeyFile: " + Path.Combine(_outside, "id"), StringComparison.Ordinal);
        await File.WriteAllTextAsync(_manifest, text);
        File.WriteAllText(Path.Combine(_root, "keys", "known_hosts"), "");

        var refused = await ManifestFiles.LoadAsync([_manifest], CancellationToken.None);
        var allowed = await ManifestFiles.LoadAsync([_manifest], CancellationToken.None, [_outside]);

        Assert.That(refused.Errors.Select(e => e.ToString()), Has.Some.Contains($"spec.ssh.privateKeyFile: private key \"{Path.Combine(_outside, "id")}\" resolves to {Path.Combine(_outside, "id")}, outside the manifest's folder {_root}; expected a file inside it (or an operator's --allow-paths-outside DIR)"));
        Assert.That(allowed.Errors.Select(e => e.Field), Has.None.EqualTo("spec.ssh.privateKeyFile"));
    }

    [Test]
    public void Sha256_FileInside_HashOfItsBytes() =>
        Assert.That(new ReferencedFilesOnDisk([]).Sha256(_manifest, "keys/id", CalicoSpec.MaxOperatorManifestBytes), Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("key"u8))));

    [Test]
    public void Sha256_FileOutside_NotRead() =>
        Assert.That(new ReferencedFilesOnDisk([]).Sha256(_manifest, Path.Combine(_outside, "id"), CalicoSpec.MaxOperatorManifestBytes), Is.Null);

    [Test]
    public async Task LoadAsync_CalicoOperatorManifests_SizeAndHashLocatedAtEachFile()
    {
        var text = (await File.ReadAllTextAsync(RepositoryPaths.Of("examples", "stacked.yaml")))
            .Replace("networking: {podSubnet: 192.168.0.0/16, serviceSubnet: 10.96.0.0/12, cni: Calico}",
                "networking:\n    podSubnet: 192.168.0.0/16\n    calico:\n      operatorManifests:\n" +
                $"      - {{file: calico/big.yaml, sha256: {new string('0', 64)}}}\n" +
                $"      - {{file: calico/edited.yaml, sha256: {new string('0', 64)}}}", StringComparison.Ordinal);
        Assert.That(text, Does.Contain("calico/big.yaml"), "the example's networking line moved");
        await File.WriteAllTextAsync(_manifest, text);
        File.WriteAllText(Path.Combine(_root, "keys", "known_hosts"), "");
        File.WriteAllText(Path.Combine(_root, "keys", "id_ed25519"), "key");
        Directory.CreateDirectory(Path.Combine(_root, "calico"));
        await using (var big = File.Create(Path.Combine(_root, "calico", "big.yaml")))
        {
            big.SetLength(CalicoSpec.MaxOperatorManifestBytes + 1); // sparse: nothing is written
        }

        File.WriteAllText(Path.Combine(_root, "calico", "edited.yaml"), "key");

        var result = await ManifestFiles.LoadAsync([_manifest], CancellationToken.None);

        Assert.That(result.Errors.Select(e => $"{e.Field}: {e.Message}"), Is.EqualTo(new[]
        {
            $"spec.networking.calico.operatorManifests[0].file: operator manifest \"calico/big.yaml\" is {CalicoSpec.MaxOperatorManifestBytes + 1} bytes; expected at most {CalicoSpec.MaxOperatorManifestBytes}",
            $"spec.networking.calico.operatorManifests[1].file: operator manifest \"calico/edited.yaml\" has SHA-256 {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("key"u8))}; expected {new string('0', 64)} (its sha256)",
        }));
        Assert.That(result.Errors.Select(e => e.Line), Has.All.GreaterThan(0));
    }
}
