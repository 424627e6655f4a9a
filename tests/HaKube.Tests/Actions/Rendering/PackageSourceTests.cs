using HaKube.Actions.Rendering;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Tests.Model.Planning;

namespace HaKube.Tests.Actions.Rendering;

/// <summary>The apt source and keyring of the Kubernetes packages: pkgs.k8s.io by default, a mirror of its layout otherwise.</summary>
public sealed class PackageSourceTests
{
    private static HaClusterSpec Spec(PackagesSpec? packages) => Clusters.Spec().Spec with { Packages = packages };

    [Test]
    public void AptSource_Default_IsPkgsK8sIoWithTheDownloadedKeyring()
    {
        var spec = Spec(null);

        Assert.Multiple(() =>
        {
            Assert.That(PackageSource.AptSource(spec, "v1.31"), Is.EqualTo("deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.31/deb/ /\n"));
            Assert.That(PackageSource.Fingerprint(spec), Is.EqualTo(HostPrerequisiteFiles.SigningKeyFingerprint));
        });
    }

    [Test]
    public void AptSource_MirrorWithoutKey_KeepsPkgsK8sIosFingerprintForTheDownloadedKey()
    {
        var spec = Spec(new PackagesSpec { Repository = "http://apt.example.internal:8080/k8s" });

        Assert.Multiple(() =>
        {
            Assert.That(PackageSource.AptSource(spec, "v1.32"), Is.EqualTo("deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] http://apt.example.internal:8080/k8s/core:/stable:/v1.32/deb/ /\n"));
            Assert.That(PackageSource.Fingerprint(spec), Is.EqualTo(HostPrerequisiteFiles.SigningKeyFingerprint));
            Assert.That(PackageSource.KeyringPath(spec), Is.EqualTo(KnownPaths.AptKeyring));
        });
    }

    [Test]
    public void AptSource_MirrorWithGivenKey_UsesTheArmoredKeyringAndNoFingerprintUnlessGiven()
    {
        var given = Spec(new PackagesSpec { Repository = "https://apt.example.internal", KeyFile = "keys/release.asc" });
        var pinned = Spec(new PackagesSpec { Repository = "https://apt.example.internal", KeyFile = "keys/release.asc", KeyFingerprint = "0123456789ABCDEF0123456789ABCDEF01234567" });

        Assert.Multiple(() =>
        {
            Assert.That(PackageSource.AptSource(given, "v1.31"), Is.EqualTo("deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.asc] https://apt.example.internal/core:/stable:/v1.31/deb/ /\n"));
            Assert.That(PackageSource.Fingerprint(given), Is.Null);
            Assert.That(PackageSource.Fingerprint(pinned), Is.EqualTo("0123456789ABCDEF0123456789ABCDEF01234567"));
        });
    }
}
