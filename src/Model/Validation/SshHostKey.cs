using System.Buffers.Binary;
using System.Text;

namespace HaKube.Model.Validation;

/// <summary>An SSH public host key, <c>ssh-ed25519 AAAAC3...</c>; the blob must decode and name the same algorithm.</summary>
public sealed record SshHostKey(string Algorithm, byte[] Blob)
{
    public static readonly IReadOnlySet<string> Algorithms = new HashSet<string>(StringComparer.Ordinal)
    {
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa",
    };

    public override string ToString() => $"{Algorithm} {Convert.ToBase64String(Blob)}";

    public static bool TryParse(string text, out SshHostKey? key, out string problem)
    {
        key = null;
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2)
        {
            problem = "expected \"<algorithm> <base64 key>\" as in known_hosts";
            return false;
        }

        if (!Algorithms.Contains(parts[0]))
        {
            problem = $"unsupported host key algorithm {HaKube.Model.Values.Printable.Quote(parts[0])}; expected one of {string.Join(", ", Algorithms)}";
            return false;
        }

        var blob = new byte[parts[1].Length];
        if (!Convert.TryFromBase64String(parts[1], blob, out var length))
        {
            problem = "the key is not valid base64";
            return false;
        }

        blob = blob[..length];
        var embedded = EmbeddedAlgorithm(blob);
        // RSA keys are stored as "ssh-rsa" whatever signature algorithm is negotiated.
        var expected = parts[0].StartsWith("rsa-sha2-", StringComparison.Ordinal) ? "ssh-rsa" : parts[0];
        if (embedded != expected)
        {
            problem = $"the key data is not an {parts[0]} key";
            return false;
        }

        key = new SshHostKey(expected, blob);
        problem = "";
        return true;
    }

    /// <summary>
    /// Why a key <see cref="TryParse"/> read is not in the one form a manifest pins: "ALGORITHM BASE64",
    /// canonical base64, one space, optional printable comment; null when it is.
    /// </summary>
    public static string? CanonicalProblem(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(' ', 3);
        if (parts.Length < 2 || !TryParse(text, out var key, out _))
        {
            return null; // TryParse already says what is wrong
        }

        var comment = parts.Length == 3 ? parts[2] : null;
        var canonical = $"{parts[0]} {Convert.ToBase64String(key!.Blob)}";
        if (comment is not null)
        {
            if (comment.Length == 0 || comment.Any(HaKube.Model.Values.Printable.IsUnsafe) || comment != comment.Trim())
            {
                return $"the comment after the key {HaKube.Model.Values.Printable.Quote(comment)} holds control characters or extra spaces; expected printable text or none";
            }

            canonical += " " + comment;
        }

        return string.Equals(canonical, text, StringComparison.Ordinal)
            ? null
            : $"{HaKube.Model.Values.Printable.Quote(text)} is not in canonical form; expected {HaKube.Model.Values.Printable.Quote(canonical)}";
    }

    private static string? EmbeddedAlgorithm(byte[] blob)
    {
        if (blob.Length < 4)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(blob);
        return length is > 0 and < 64 && blob.Length >= 4 + length ? Encoding.ASCII.GetString(blob, 4, length) : null;
    }
}
