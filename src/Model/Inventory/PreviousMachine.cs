using System.Diagnostics.CodeAnalysis;

namespace HaKube.Model.Inventory;

/// <summary>
/// "NAME@ADDRESS": the name of a replaced host's old machine in facts, plan steps and SSH targets,
/// since the Node name now belongs to the new machine. DNS-1123 names never hold '@', so a key
/// cannot be mistaken for a spec host.
/// </summary>
public static class PreviousMachine
{
    private const char Separator = '@';

    public static string Key(string name, string address)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(address);
        return $"{name}{Separator}{address}";
    }

    public static bool IsKey(string key) => TryParse(key, out _, out _);

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
