using System.Security.Cryptography;
using HaKube.Model.Validation;

namespace HaKube.Actions.Ssh;

/// <summary>The pin, else the known_hosts entries, compared as whole blobs. No expected key means no trust.</summary>
public sealed class HostKeyPolicy
{
    private HostKeyPolicy(IReadOnlyList<SshHostKey> expected, IReadOnlyList<SshHostKey> revoked, string source)
    {
        Expected = expected;
        Revoked = revoked;
        Source = source;
    }

    public IReadOnlyList<SshHostKey> Expected { get; }

    public IReadOnlyList<SshHostKey> Revoked { get; }

    /// <summary>For messages ("pinned hostKey", "known_hosts").</summary>
    public string Source { get; }

    /// <summary>A key known_hosts marks @revoked is refused all the same.</summary>
    public static HostKeyPolicy Pinned(SshHostKey key, IReadOnlyList<SshHostKey>? revoked = null) => new([key], revoked ?? [], "pinned hostKey");

    /// <summary>The keys a departed host was trusted with; one known_hosts now marks @revoked is refused.</summary>
    public static HostKeyPolicy Remembered(IReadOnlyList<SshHostKey> keys, IReadOnlyList<SshHostKey>? revoked = null) => new(keys, revoked ?? [], "host keys remembered from when it was in the spec");

    /// <summary>By address, and failing that by name.</summary>
    public static HostKeyPolicy FromKnownHosts(KnownHosts knownHosts, string address, string? name, int port)
    {
        IEnumerable<string> hosts = name is null || name == address ? [address] : [address, name];
        return new(knownHosts.KeysFor(hosts, port), knownHosts.RevokedFor(hosts, port), "known_hosts");
    }

    public HostKeyVerdict Check(ReadOnlySpan<byte> presentedBlob)
    {
        foreach (var revoked in Revoked)
        {
            if (presentedBlob.SequenceEqual(revoked.Blob))
            {
                return HostKeyVerdict.Revoked;
            }
        }

        if (Expected.Count == 0)
        {
            return HostKeyVerdict.Unknown;
        }

        foreach (var key in Expected)
        {
            if (presentedBlob.SequenceEqual(key.Blob))
            {
                return HostKeyVerdict.Trusted;
            }
        }

        return HostKeyVerdict.Mismatch;
    }

    /// <summary>OpenSSH's: "SHA256:" and unpadded base64.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> blob) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');
}

public enum HostKeyVerdict
{
    Trusted,

    Unknown,

    Mismatch,

    Revoked,
}
