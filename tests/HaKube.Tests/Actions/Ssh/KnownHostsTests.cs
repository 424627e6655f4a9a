using HaKube.Actions.Ssh;
using HaKube.Model.Validation;

namespace HaKube.Tests.Actions.Ssh;

public sealed class KnownHostsTests
{
    private const string KeyA = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBgIc7Iv/jz2+IG6nSiY5kba3jziCAsqZBn23xqJylAa";
    private const string KeyB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHWVf5MkvMdrfmVG6g8fEul4c08x9+IJIAn5P17GapaR";

    // Written by ssh-keygen -H from "10.0.0.7 <KeyA>" and "[10.0.0.8]:2222 <KeyB>".
    private const string HashedA = "|1|/T5y0CTREu60EnqLJ+zTadSM2M8=|n6n67xTHBG0aO8aHAzTggPsO528= " + KeyA;
    private const string HashedB = "|1|Hv9fI4U1hEcUnRnNEU9OGVAR6JI=|j/zZO86puNIpWaUytMl/XF8GXFQ= " + KeyB;

    [Test]
    public void KeysFor_PlainAddress_Matches()
    {
        var known = KnownHosts.Parse($"10.0.0.7 {KeyA} root@cp1\n");

        Assert.That(Blobs(known.KeysFor(["10.0.0.7"], 22)), Is.EqualTo(Blobs([Key(KeyA)])));
        Assert.That(known.KeysFor(["10.0.0.70"], 22), Is.Empty);
    }

    [Test]
    public void KeysFor_BracketedPort_MatchesOnlyThatPort()
    {
        var known = KnownHosts.Parse($"[10.0.0.7]:2222 {KeyA}\n");

        Assert.That(known.KeysFor(["10.0.0.7"], 2222), Has.Count.EqualTo(1));
        Assert.That(known.KeysFor(["10.0.0.7"], 22), Is.Empty);
    }

    [Test]
    public void KeysFor_PlainEntry_DoesNotMatchNonDefaultPort()
    {
        var known = KnownHosts.Parse($"10.0.0.7 {KeyA}\n");

        Assert.That(known.KeysFor(["10.0.0.7"], 2222), Is.Empty);
    }

    [Test]
    public void KeysFor_CommaList_MatchesEveryName()
    {
        var known = KnownHosts.Parse($"cp1,10.0.0.7,cp1.example.org {KeyA}\n");

        Assert.That(known.KeysFor(["cp1.example.org"], 22), Has.Count.EqualTo(1));
        Assert.That(known.KeysFor(["10.0.0.7"], 22), Has.Count.EqualTo(1));
        Assert.That(known.KeysFor(["cp2"], 22), Is.Empty);
    }

    [Test]
    public void KeysFor_HashedEntry_MatchesTheHashedName()
    {
        var known = KnownHosts.Parse(HashedA + "\n" + HashedB + "\n");

        Assert.That(Blobs(known.KeysFor(["10.0.0.7"], 22)), Is.EqualTo(Blobs([Key(KeyA)])));
        Assert.That(Blobs(known.KeysFor(["10.0.0.8"], 2222)), Is.EqualTo(Blobs([Key(KeyB)])));
        Assert.That(known.KeysFor(["10.0.0.8"], 22), Is.Empty);
        Assert.That(known.KeysFor(["10.0.0.9"], 22), Is.Empty);
    }

    [Test]
    public void KeysFor_WildcardAndNegation_FollowOpenSsh()
    {
        var known = KnownHosts.Parse($"10.0.0.*,!10.0.0.9 {KeyA}\n");

        Assert.That(known.KeysFor(["10.0.0.7"], 22), Has.Count.EqualTo(1));
        Assert.That(known.KeysFor(["10.0.0.9"], 22), Is.Empty);
    }

    [Test]
    public void KeysFor_NamesInOtherCase_MatchAsSshDoes()
    {
        // ssh lowers the host name before it looks in known_hosts; patterns match regardless of case.
        var known = KnownHosts.Parse($"Node1.Example.ORG,*.LAB.example.org,!Bad.lab.example.org {KeyA}\n");

        Assert.That(known.KeysFor(["node1.example.org"], 22), Has.Count.EqualTo(1));
        Assert.That(known.KeysFor(["API.lab.EXAMPLE.org"], 22), Has.Count.EqualTo(1));
        Assert.That(known.KeysFor(["bad.LAB.example.org"], 22), Is.Empty);
        Assert.That(known.KeysFor(["node2.example.org"], 22), Is.Empty);
    }

    [Test]
    public void Matches_CopyWithOtherPatterns_MatchesItsOwnPatterns()
    {
        var entry = KnownHosts.Parse($"10.0.0.7 {KeyA}\n").Entries.Single();
        Assert.That(entry.Matches("10.0.0.7"), Is.True);

        var copy = entry with { HostPatterns = "10.0.0.8" };

        Assert.That(copy.Matches("10.0.0.8"), Is.True);
        Assert.That(copy.Matches("10.0.0.7"), Is.False);
        Assert.That(copy, Is.Not.EqualTo(entry));
        Assert.That(copy with { HostPatterns = "10.0.0.7" }, Is.EqualTo(entry));
    }

    [Test]
    public void Parse_CommentsBlankMalformedAndUnknownTypes_AreSkipped()
    {
        var known = KnownHosts.Parse($"# comment\n\n10.0.0.7\n10.0.0.7 sk-ssh-ed25519@openssh.com AAAA\n10.0.0.7 ssh-ed25519 not-base64!\n@cert-authority * {KeyB}\n10.0.0.7 {KeyA}\n");

        Assert.That(known.Entries, Has.Count.EqualTo(1));
    }

    [Test]
    public void RevokedFor_RevokedMarker_IsNotATrustedKey()
    {
        var known = KnownHosts.Parse($"@revoked 10.0.0.7 {KeyB}\n10.0.0.7 {KeyA}\n");

        Assert.That(Blobs(known.KeysFor(["10.0.0.7"], 22)), Is.EqualTo(Blobs([Key(KeyA)])));
        Assert.That(Blobs(known.RevokedFor(["10.0.0.7"], 22)), Is.EqualTo(Blobs([Key(KeyB)])));
    }

    [Test]
    public void Check_PinnedKey_TrustsOnlyTheWholeBlob()
    {
        var policy = HostKeyPolicy.Pinned(Key(KeyA));

        Assert.That(policy.Check(Key(KeyA).Blob), Is.EqualTo(HostKeyVerdict.Trusted));
        Assert.That(policy.Check(Key(KeyB).Blob), Is.EqualTo(HostKeyVerdict.Mismatch));
        // Same length, one bit different: a prefix or fingerprint-only comparison would not notice.
        var flipped = Key(KeyA).Blob.ToArray();
        flipped[^1] ^= 1;
        Assert.That(policy.Check(flipped), Is.EqualTo(HostKeyVerdict.Mismatch));
    }

    [Test]
    public void Check_NoEntryForHost_IsUnknown()
    {
        var policy = HostKeyPolicy.FromKnownHosts(KnownHosts.Parse($"10.0.0.8 {KeyA}\n"), "10.0.0.7", "cp1", 22);

        Assert.That(policy.Check(Key(KeyA).Blob), Is.EqualTo(HostKeyVerdict.Unknown));
    }

    [Test]
    public void Check_EntryUnderHostName_IsUsedWhenAddressHasNone()
    {
        var policy = HostKeyPolicy.FromKnownHosts(KnownHosts.Parse($"cp1 {KeyA}\n"), "10.0.0.7", "cp1", 22);

        Assert.That(policy.Check(Key(KeyA).Blob), Is.EqualTo(HostKeyVerdict.Trusted));
    }

    [Test]
    public void Check_RevokedKey_IsRevokedEvenIfAlsoListed()
    {
        var policy = HostKeyPolicy.FromKnownHosts(KnownHosts.Parse($"@revoked * {KeyA}\n10.0.0.7 {KeyA}\n"), "10.0.0.7", null, 22);

        Assert.That(policy.Check(Key(KeyA).Blob), Is.EqualTo(HostKeyVerdict.Revoked));
    }

    [Test]
    public void Fingerprint_Key_MatchesSshKeygen()
    {
        // ssh-keygen -lf prints SHA256:cZKh2C05EFW6nbgoOCk55eACz700ZK3O8MQDBUmjYq4 for KeyA.
        Assert.That(HostKeyPolicy.Fingerprint(Key(KeyA).Blob), Is.EqualTo("SHA256:cZKh2C05EFW6nbgoOCk55eACz700ZK3O8MQDBUmjYq4"));
    }

    [Test]
    public void HostKeyMismatchException_Message_NamesHostAndBothFingerprints()
    {
        var e = new HostKeyMismatchException("cp1", "10.0.0.7", HostKeyVerdict.Mismatch, ["SHA256:aaa"], "SHA256:bbb", "pinned hostKey");

        Assert.That(e.Message, Does.Contain("cp1").And.Contain("SHA256:aaa").And.Contain("SHA256:bbb"));
    }

    private static SshHostKey Key(string text) => SshHostKey.TryParse(text, out var key, out var problem) ? key! : throw new ArgumentException(problem);

    private static List<string> Blobs(IEnumerable<SshHostKey> keys) => keys.Select(k => Convert.ToBase64String(k.Blob)).ToList();
}
