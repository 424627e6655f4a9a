using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using HaKube.Model.Api;

namespace HaKube.Actions.Rendering;

/// <summary>
/// Reads the referenced content and checks it before it goes onto any host: a CA is PEM with at
/// least one certificate and never a private key, a signing key one armored public key block, an
/// operator manifest UTF-8 with its pinned SHA-256.
/// </summary>
public static class ReferencedContentReader
{
    /// <summary>The file or the Secret, within its bound.</summary>
    public delegate Task<byte[]> SourceReader(ReferencedSource source, CancellationToken cancellationToken);

    /// <exception cref="InvalidOperationException">A source is unreadable or not what its field says; the message names the field.</exception>
    public static async Task<ReferencedContent> ReadAsync(HaClusterSpec spec, SourceReader read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(read);
        var cas = new Dictionary<string, string>(StringComparer.Ordinal);
        var mirrors = spec.Images?.RegistryMirrors ?? [];
        for (var i = 0; i < mirrors.Count; i++)
        {
            var mirror = mirrors[i];
            if (mirror.CaFile is null && mirror.CaSecretRef is null)
            {
                continue;
            }

            var field = $"spec.images.registryMirrors[{i}].ca";
            var bytes = await read(ReferencedSource.Of(field, mirror.CaFile, mirror.CaSecretRef, ImagesSpec.MaxCaBytes), cancellationToken);
            cas[mirror.Registry] = CheckCertificates(field, bytes);
        }

        string? key = null;
        if (spec.Packages is { } packages && (packages.KeyFile is not null || packages.KeySecretRef is not null))
        {
            var bytes = await read(ReferencedSource.Of("spec.packages.key", packages.KeyFile, packages.KeySecretRef, PackagesSpec.MaxKeyBytes), cancellationToken);
            key = CheckPublicKey("spec.packages.key", bytes);
        }

        var calico = new List<string>();
        var operators = spec.Networking.Cni == CniPlugin.Calico ? spec.Networking.Calico?.OperatorManifests ?? [] : [];
        for (var i = 0; i < operators.Count; i++)
        {
            var field = $"spec.networking.calico.operatorManifests[{i}]";
            var source = new ReferencedSource(field + ".file", operators[i].File, field + ".secretRef", operators[i].SecretRef, CalicoSpec.MaxOperatorManifestBytes);
            calico.Add(CheckPinned(field, await read(source, cancellationToken), operators[i].Sha256));
        }

        return new ReferencedContent(cas, key) { CalicoOperatorManifests = calico };
    }

    /// <summary>Byte for byte, so the host's copy keeps the pinned hash.</summary>
    public static string CheckPinned(string field, byte[] bytes, string sha256)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != sha256)
        {
            // Both hashes, never the content.
            throw new InvalidOperationException($"{field}: the content has SHA-256 {actual}; expected {sha256} (its sha256)");
        }

        return Text(field, bytes, "a Kubernetes manifest (YAML)");
    }

    public static string CheckCertificates(string field, byte[] bytes)
    {
        var text = Text(field, bytes, "a PEM CA certificate");
        if (text.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{field}: holds a private key; expected only the CA's certificate (it is written to every host)");
        }

        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(text);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{field}: not a PEM certificate ({e.Message})", e);
        }

        if (certificates.Count == 0)
        {
            throw new InvalidOperationException($"{field}: holds no PEM certificate (-----BEGIN CERTIFICATE-----); expected the CA that signed the mirror's certificate");
        }

        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }

        return EndingInNewline(text);
    }

    public static string CheckPublicKey(string field, byte[] bytes)
    {
        var text = Text(field, bytes, "an ASCII-armored OpenPGP public key");
        const string Begin = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
        const string End = "-----END PGP PUBLIC KEY BLOCK-----";
        if (text.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{field}: holds a private key; expected the repository's public signing key");
        }

        var start = text.IndexOf(Begin, StringComparison.Ordinal);
        if (start < 0 || text.IndexOf(End, start, StringComparison.Ordinal) < 0)
        {
            throw new InvalidOperationException($"{field}: not an ASCII-armored OpenPGP public key ({Begin} ... {End}); a binary keyring can be armored with gpg --armor --export");
        }

        return EndingInNewline(text);
    }

    private static string EndingInNewline(string text) => text.EndsWith('\n') ? text : text + "\n";

    private static string Text(string field, byte[] bytes, string what)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidOperationException($"{field}: not UTF-8 text, so not {what}", e);
        }
    }
}

/// <summary>One file-or-Secret source and the fields that name each; null when not named.</summary>
public sealed record ReferencedSource(string FileField, string? File, string SecretField, SecretKeyRef? Secret, long MaxBytes)
{
    /// <summary>Named by FIELDFile and FIELDSecretRef.</summary>
    public static ReferencedSource Of(string field, string? file, SecretKeyRef? secret, long maxBytes) =>
        new(field + "File", file, field + "SecretRef", secret, maxBytes);
}
