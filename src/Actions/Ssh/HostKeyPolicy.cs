using System.Security.Cryptography;
using HaKube.Model.Validation;

namespace HaKube.Actions.Ssh;

/// <summary>
/// Which host keys one endpoint may present: the pinned key when there is one, else the
/// known_hosts entries for it. Keys are compared as whole blobs (algorithm and key material),
/// not by fingerprint. No expected key means no trust.
/// </summary>
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

    /// <summary>Where the expected keys come from, for messages ("pinned hostKey", "known_hosts").</summary>
    public string Source { get; }

    /// <summary>A pinned key; a key known_hosts marks @revoked for the host is refused all the same.</summary>
    public static HostKeyPolicy Pinned(SshHostKey key, IReadOnlyList<SshHostKey>? revoked = null) => new([key], revoked ?? [], "pinned hostKey");

    /// <summary>
    /// The keys a host was trusted with while it was in the spec (remembered in the state store once
    /// it left), less none: a remembered key that known_hosts now marks @revoked is refused, as every key HaKube trusts.
    /// </summary>
    public static HostKeyPolicy Remembered(IReadOnlyList<SshHostKey> keys, IReadOnlyList<SshHostKey>? revoked = null) => new(keys, revoked ?? [], "host keys remembered from when it was in the spec");

    /// <summary>The keys known_hosts lists for the address (and, failing that, the name) on <paramref name="port"/>.</summary>
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

    /// <summary>OpenSSH's fingerprint: "SHA256:" and unpadded base64 of the blob's SHA-256.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> blob) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');
}

public enum HostKeyVerdict
{
    Trusted,

    /// <summary>Nothing is pinned or known for the host.</summary>
    Unknown,

    /// <summary>The host presented a key other than the expected ones.</summary>
    Mismatch,

    /// <summary>The key is listed as @revoked.</summary>
    Revoked,
}
