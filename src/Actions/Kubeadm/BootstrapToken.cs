using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace HaKube.Actions.Kubeadm;

/// <summary>
/// A kubeadm bootstrap token: a public id and a secret that lets anyone join a node until it expires.
/// Only <see cref="Value"/> holds the whole token; <see cref="ToString"/> shows the id alone, so a
/// token that slips into a log line stays harmless.
/// </summary>
internal sealed partial record BootstrapToken
{
    private BootstrapToken(string value) => Value = value;

    /// <summary>Secret: never log it, never put it in status or the plan.</summary>
    public string Value { get; }

    /// <summary>As <c>kubeadm token list</c> shows it.</summary>
    public string Id => Value[..6];

    /// <exception cref="FormatException">Not a bootstrap token; the message does not repeat the text.</exception>
    public static BootstrapToken Parse(string text) =>
        TryParse(text, out var token)
            ? token
            : throw new FormatException("the bootstrap token is not of the form [a-z0-9]{6}.[a-z0-9]{16} (value withheld)");

    public static bool TryParse(string? text, [NotNullWhen(true)] out BootstrapToken? token)
    {
        token = text is not null && Pattern().IsMatch(text) ? new BootstrapToken(text) : null;
        return token is not null;
    }

    /// <summary>Never the secret; overriding ToString also retires the record's generated member printer.</summary>
    public override string ToString() => $"{Id}.<redacted>";

    // \z, not $: $ also matches before a trailing newline.
    [GeneratedRegex("^[a-z0-9]{6}\\.[a-z0-9]{16}\\z")]
    private static partial Regex Pattern();
}
