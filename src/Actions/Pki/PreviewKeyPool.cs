using System.Security.Cryptography;

namespace HaKube.Actions.Pki;

/// <summary>
/// Throwaway RSA keys shared by every preview (<see cref="PkiOptions.Preview"/>). A fleet of new
/// clusters under --dry-run made four or more keys per cluster before its first status, and nothing
/// made from a preview is ever stored or sent to a host. Each factory takes the keys in order from the
/// first, so the keys within one cluster's material all differ; across clusters they repeat.
/// </summary>
internal static class PreviewKeyPool
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, List<byte[]>> KeysBySize = [];

    /// <summary>A new <see cref="RSA"/> object (the caller disposes it) holding the pool's key number <paramref name="index"/>.</summary>
    public static RSA Take(int index, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        byte[] pkcs8;
        lock (Gate)
        {
            if (!KeysBySize.TryGetValue(size, out var keys))
            {
                KeysBySize[size] = keys = [];
            }

            while (keys.Count <= index)
            {
                using var made = RSA.Create(size);
                keys.Add(made.ExportPkcs8PrivateKey());
            }

            pkcs8 = keys[index];
        }

        var key = RSA.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        return key;
    }
}
