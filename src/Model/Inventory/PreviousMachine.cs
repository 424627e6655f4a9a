using System.Diagnostics.CodeAnalysis;

namespace HaKube.Model.Inventory;

/// <summary>
/// How a previous machine of a host is named where hosts are named: in facts, plan steps and SSH
/// targets. A host replaced at a new address keeps its name (the Node name, which now belongs to
/// the new machine), so the old machine needs a name of its own: "NAME@ADDRESS". Host names are
/// DNS-1123 subdomains and never hold '@', so such a key can never be mistaken for a spec host.
/// </summary>
public static class PreviousMachine
{
    private const char Separator = '@';

    /// <summary>The key of the machine that ran <paramref name="name"/> at <paramref name="address"/>.</summary>
    public static string Key(string name, string address)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(address);
        return $"{name}{Separator}{address}";
    }

    /// <summary>Whether <paramref name="key"/> names a previous machine rather than a host.</summary>
    public static bool IsKey(string key) => TryParse(key, out _, out _);

    /// <summary>Splits a key into the host name and the old address.</summary>
    public static bool TryParse(string key, [NotNullWhen(true)] out string? name, [NotNullWhen(true)] out string? address)
    {
        ArgumentNullException.ThrowIfNull(key);
        var at = key.IndexOf(Separator, StringComparison.Ordinal);
        if (at <= 0 || at == key.Length - 1)
        {
            name = null;
            address = null;
            return false;
        }

        name = key[..at];
        address = key[(at + 1)..];
        return true;
    }
}
