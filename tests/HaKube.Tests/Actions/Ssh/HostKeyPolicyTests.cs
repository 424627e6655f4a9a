using HaKube.Actions.Ssh;
using HaKube.Model.Validation;

namespace HaKube.Tests.Actions.Ssh;

/// <summary>@revoked in known_hosts bars a key wherever HaKube would trust it: pinned, listed, or remembered.</summary>
public sealed class HostKeyPolicyTests
{
    private const string KeyA = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBgIc7Iv/jz2+IG6nSiY5kba3jziCAsqZBn23xqJylAa";
    private const string KeyB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHWVf5MkvMdrfmVG6g8fEul4c08x9+IJIAn5P17GapaR";

    [Test]
    public void Check_PinnedKeyRevokedInKnownHosts_Revoked()
    {
        var known = KnownHosts.Parse($"@revoked 10.0.0.7 {KeyA}\n");

        var policy = HostKeyPolicy.Pinned(Key(KeyA), known.RevokedFor(["10.0.0.7", "cp1"], 22));

        Assert.That(policy.Check(Key(KeyA).Blob), Is.EqualTo(HostKeyVerdict.Revoked));
    }

    [Test]
    public void Check_RememberedKeyRevokedByWildcard_RevokedAndAnotherStillTrusted()
    {
        var known = KnownHosts.Parse($"@revoked * {KeyA}\n");

        var policy = HostKeyPolicy.Remembered([Key(KeyA), Key(KeyB)], known.RevokedFor(["10.0.0.9", "w9"], 22));

        Assert.Multiple(() =>
        {
            Assert.That(policy.Check(Key(KeyA).Blob), Is.EqualTo(HostKeyVerdict.Revoked));
            Assert.That(policy.Check(Key(KeyB).Blob), Is.EqualTo(HostKeyVerdict.Trusted));
        });
    }

    [Test]
    public void Check_RevocationOfAnotherHost_DoesNotApply()
    {
        var known = KnownHosts.Parse($"@revoked 10.0.0.8 {KeyA}\n");

        var policy = HostKeyPolicy.Pinned(Key(KeyA), known.RevokedFor(["10.0.0.7", "cp1"], 22));

        Assert.That(policy.Check(Key(KeyA).Blob), Is.EqualTo(HostKeyVerdict.Trusted));
    }

    internal static SshHostKey Key(string text) => SshHostKey.TryParse(text, out var key, out var problem) ? key! : throw new ArgumentException(problem);
}
