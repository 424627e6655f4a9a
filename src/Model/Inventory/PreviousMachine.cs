namespace HaKube.Model.Inventory;

/// <summary>
/// The previous machine of a host replaced at a new address, still remembered at the old one. The
/// host keeps its name (the Node name, which now belongs to the new machine), so where hosts are
/// named (facts, plan steps, SSH targets) the old machine goes by its <see cref="Key"/>,
/// "NAME@ADDRESS". Host names are DNS-1123 subdomains and never hold '@', so a key can never be
/// mistaken for a spec host.
/// </summary>
/// <param name="Name">The host name it ran under, now the new machine's.</param>
/// <param name="Address">Its old address.</param>
public readonly record struct PreviousMachine(string Name, string Address)
{
    private const char Separator = '@';

    public string Name { get; } = string.IsNullOrEmpty(Name) ? throw new ArgumentException("a previous machine needs its host name", nameof(Name)) : Name;

    public string Address { get; } = string.IsNullOrEmpty(Address) ? throw new ArgumentException("a previous machine needs its old address", nameof(Address)) : Address;

    /// <summary>How the machine is named among hosts: "NAME@ADDRESS".</summary>
    public string Key => $"{Name}{Separator}{Address}";

    /// <summary>The machine a key names, where a key comes back as a host name (a plan step's host); false for a host's own name.</summary>
    public static bool TryParse(string key, out PreviousMachine machine)
    {
        ArgumentNullException.ThrowIfNull(key);
        var at = key.IndexOf(Separator, StringComparison.Ordinal);
        var parsed = at > 0 && at < key.Length - 1;
        machine = parsed ? new(key[..at], key[(at + 1)..]) : default;
        return parsed;
    }
}
