using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace HaKube.Actions.Probe;

/// <summary>Expiry of the PEM and kubeconfig client certificates in the probe's "certs" block; other blocks are ignored.</summary>
internal static class Certificates
{
    public static Dictionary<string, DateTimeOffset> NotAfter(IEnumerable<string> lines)
    {
        var pem = new Dictionary<string, StringBuilder>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var path = line[..colon];
            var content = line[(colon + 1)..];
            var text = pem.TryGetValue(path, out var existing) ? existing : pem[path] = new StringBuilder();
            var data = content.TrimStart();
            if (data.StartsWith("client-certificate-data:", StringComparison.Ordinal))
            {
                text.Append(Decode(data["client-certificate-data:".Length..].Trim()));
            }
            else
            {
                text.Append(content).Append('\n');
            }
        }

        var result = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var (path, text) in pem)
        {
            if (ExpiryOf(text.ToString()) is { } notAfter)
            {
                result[path] = notAfter;
            }
        }

        return result;
    }

    // The daemon reads the same certificates on every pass; decoding each anew was a tenth of a no-op
    // pass's CPU. Keyed by the PEM's hash, so a renewed certificate is parsed once more; cleared when
    // it grows past what a large fleet holds, so rotated certificates do not pile up.
    private const int KeptExpiries = 50_000;
    private static readonly ConcurrentDictionary<string, DateTimeOffset?> Expiries = new(StringComparer.Ordinal);

    private static DateTimeOffset? ExpiryOf(string pem)
    {
        var key = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(pem)));
        if (Expiries.TryGetValue(key, out var known))
        {
            return known;
        }

        if (Expiries.Count >= KeptExpiries)
        {
            Expiries.Clear();
        }

        return Expiries[key] = Parse(pem);
    }

    private static DateTimeOffset? Parse(string pem)
    {
        if (FirstCertificate(pem) is not { } der)
        {
            return null;
        }

        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(der);
            return new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (CryptographicException)
        {
            // Not a certificate after all: no expiry to report.
            return null;
        }
    }

    private static string Decode(string base64)
    {
        try
        {
            return Encoding.ASCII.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return "";
        }
    }

    private static byte[]? FirstCertificate(string pem)
    {
        const string Begin = "-----BEGIN CERTIFICATE-----";
        const string End = "-----END CERTIFICATE-----";
        var start = pem.IndexOf(Begin, StringComparison.Ordinal);
        var end = start < 0 ? -1 : pem.IndexOf(End, start, StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }

        var body = string.Concat(pem[(start + Begin.Length)..end].Where(c => !char.IsWhiteSpace(c)));
        try
        {
            return Convert.FromBase64String(body);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
