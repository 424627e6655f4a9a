using System.Text.RegularExpressions;

namespace HaKube.Actions.Steps;

/// <summary>Known secrets, token-shaped strings, private keys and kubeconfig key data removed before output reaches a log.</summary>
internal static partial class SecretScrubber
{
    public const string Placeholder = "<redacted>";

    /// <summary>The last non-empty lines, scrubbed and shortened.</summary>
    public static IReadOnlyList<string> Tail(string text, int count, IEnumerable<string>? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = Scrub(text, secrets)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .TakeLast(count)
            .Select(l => l.Length > 300 ? l[..300] + "..." : l)
            .ToList();
        return lines;
    }

    public static string Scrub(string text, IEnumerable<string>? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in secrets ?? [])
        {
            if (secret.Length > 0)
            {
                text = text.Replace(secret, Placeholder, StringComparison.Ordinal);
            }
        }

        text = PrivateKeyBlock().Replace(text, Placeholder);
        text = KeyData().Replace(text, "$1" + Placeholder);
        return BootstrapToken().Replace(text, "$1." + Placeholder);
    }

    [GeneratedRegex("-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|\\z)", RegexOptions.Singleline)]
    private static partial Regex PrivateKeyBlock();

    [GeneratedRegex("((?:client-key-data|token|password)\\s*[:=]\\s*)\\S+", RegexOptions.IgnoreCase)]
    private static partial Regex KeyData();

    // A token's id may be shown (kubeadm does); its secret half may not.
    [GeneratedRegex("\\b([a-z0-9]{6})\\.[a-z0-9]{16}\\b")]
    private static partial Regex BootstrapToken();
}
