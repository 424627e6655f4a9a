using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace HaKube.Actions.Kubeadm;

/// <summary>
/// A kubeadm bootstrap token, <c>[a-z0-9]{6}.[a-z0-9]{16}</c>: a public id and a secret. Anyone who
/// holds the whole token can join a node to the cluster until it expires, so the full value is
/// only available through <see cref="Value"/>; <see cref="ToString"/> shows the id alone, so a
/// token that slips into a log line or an exception message stays harmless.
/// </summary>
public sealed partial record BootstrapToken
{
    private BootstrapToken(string value) => Value = value;

    /// <summary>The whole token, id and secret. Secret: never log it, never put it in status or the plan.</summary>
    public string Value { get; }

    /// <summary>The public part before the dot, as <c>kubeadm token list</c> shows it.</summary>
    public string Id => Value[..6];

    /// <exception cref="FormatException">The text is not a bootstrap token; the message does not repeat the text.</exception>
    public static BootstrapToken Parse(string text) =>
        TryParse(text, out var token)
            ? token
            : throw new FormatException("the bootstrap token is not of the form [a-z0-9]{6}.[a-z0-9]{16} (value withheld)");

    public static bool TryParse(string? text, [NotNullWhen(true)] out BootstrapToken? token)
    {
        token = text is not null && Pattern().IsMatch(text) ? new BootstrapToken(text) : null;
        return token is not null;
    }

    /// <summary>
    /// The id and a placeholder for the secret, never the secret itself. Overriding ToString also
    /// retires the record's generated member printer (a sealed record calls it only from ToString).
    /// </summary>
    public override string ToString() => $"{Id}.<redacted>";

    // \z, not $: $ also matches before a trailing newline.
    [GeneratedRegex("^[a-z0-9]{6}\\.[a-z0-9]{16}\\z")]
    private static partial Regex Pattern();
}
