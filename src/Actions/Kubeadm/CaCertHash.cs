using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace HaKube.Actions.Kubeadm;

/// <summary>A well-formed <c>--discovery-token-ca-cert-hash</c> pin (not a secret); <see cref="Pki.DiscoveryTokenCaCertHash"/> computes it.</summary>
internal sealed partial record CaCertHash
{
    private CaCertHash(string value) => Value = value;

    public string Value { get; }

    /// <exception cref="FormatException">Not <c>sha256:</c> and 64 hex digits.</exception>
    public static CaCertHash Parse(string text) =>
        TryParse(text, out var hash) ? hash : throw new FormatException($"\"{text}\" is not a CA certificate hash; expected sha256:<64 hex digits>");

    /// <summary>Accepts upper-case hex (kubeadm does) and stores lower case, so equal pins compare equal.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out CaCertHash? hash)
    {
        hash = text is not null && Pattern().IsMatch(text) ? new CaCertHash(text.ToLowerInvariant()) : null;
        return hash is not null;
    }

    public override string ToString() => Value;

    // \z, not $: $ also matches before a trailing newline.
    [GeneratedRegex("^sha256:[0-9a-fA-F]{64}\\z")]
    private static partial Regex Pattern();
}
