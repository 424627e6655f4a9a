using HaKube.Model.Api;
using HaKube.Model.Validation;

namespace HaKube.Actions.Ssh;

public static class SshTargets
{
    /// <summary>Hosts with neither a pin nor a <paramref name="knownHosts"/> entry are refused.</summary>
    public static IReadOnlyList<SshTarget> FromSpec(HaClusterSpec spec, SshPrivateKey key, KnownHosts knownHosts)
    {
        var ssh = spec.Ssh;
        SshEndpoint? bastion = null;
        if (ssh.Bastion is { } jump)
        {
            bastion = new SshEndpoint(jump.Host, jump.Port, jump.User ?? ssh.User, Policy(jump.HostKey, knownHosts, jump.Host, null, jump.Port));
        }

        return spec.Hosts
            .Select(h => new SshTarget(h.Name, new SshEndpoint(h.Address, ssh.Port, ssh.User, Policy(h.HostKey, knownHosts, h.Address, h.Name, ssh.Port)), bastion, key))
            .ToList();
    }

    private static HostKeyPolicy Policy(string? pinned, KnownHosts knownHosts, string address, string? name, int port)
    {
        if (pinned is null)
        {
            return HostKeyPolicy.FromKnownHosts(knownHosts, address, name, port);
        }

        // Validation already rejected malformed pins; a failure here is a programming error.
        IEnumerable<string> names = name is null || name == address ? [address] : [address, name];
        return SshHostKey.TryParse(pinned, out var key, out var problem)
            ? HostKeyPolicy.Pinned(key!, knownHosts.RevokedFor(names, port))
            : throw new ArgumentException($"host key of {name ?? address}: {problem}", nameof(pinned));
    }
}
