using System.Security.Cryptography;
using Renci.SshNet;

namespace HaKube.Actions.Ssh;

/// <summary>The material lives only in SSH.NET's key object; the text form is a description, so logging it leaks nothing.</summary>
public sealed class SshPrivateKey : IDisposable
{
    private readonly PrivateKeyFile _key;

    private SshPrivateKey(PrivateKeyFile key, string description, string id)
    {
        _key = key;
        Description = description;
        Id = id;
    }

    /// <summary>Safe to log.</summary>
    public string Description { get; }

    /// <summary>SHA-256 of the public key: tells keys apart (the pool keys on it) and reveals nothing.</summary>
    public string Id { get; }

    internal IPrivateKeySource Source => _key;

    /// <summary>Only a regular file of at most <see cref="HaKube.Model.Api.SshSpec.MaxPrivateKeyBytes"/>.</summary>
    public static SshPrivateKey FromFile(string path, string? passphrase = null)
    {
        var material = HaKube.Actions.Files.RegularFile.Read(path, HaKube.Model.Api.SshSpec.MaxPrivateKeyBytes, HaKube.Actions.Files.PathScope.Anywhere);
        try
        {
            return FromMemory(material, $"file {path}", passphrase);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    /// <summary>OpenSSH, PKCS#1/#8 or PuTTY; the caller may wipe <paramref name="material"/> afterwards.</summary>
    public static SshPrivateKey FromMemory(ReadOnlySpan<byte> material, string description, string? passphrase = null)
    {
        PrivateKeyFile key;
        try
        {
            using var stream = new MemoryStream(material.ToArray(), writable: false);
            key = passphrase is null ? new PrivateKeyFile(stream) : new PrivateKeyFile(stream, passphrase);
        }
        catch (Exception e) when (e is Renci.SshNet.Common.SshException or ArgumentException or FormatException or InvalidOperationException or NotSupportedException or CryptographicException)
        {
            // SSH.NET's own message is generic; the type alone is enough, and no material is echoed.
            throw new ArgumentException($"{description}: not a usable SSH private key ({e.GetType().Name})", nameof(material));
        }

        var publicBlob = key.HostKeyAlgorithms.First().Data;
        return new SshPrivateKey(key, description, Convert.ToHexStringLower(SHA256.HashData(publicBlob)));
    }

    public override string ToString() => Description;

    public void Dispose() => _key.Dispose();
}
