namespace HaKube.Actions.Ssh;

public sealed record SshEndpoint(string Address, int Port, string User, HostKeyPolicy HostKeys)
{
    public override string ToString() => $"{User}@{KnownHosts.LookupName(Address, Port)}";
}

/// <summary>A host's endpoint, optional bastion and client key.</summary>
public sealed record SshTarget(string Name, SshEndpoint Endpoint, SshEndpoint? Bastion, SshPrivateKey Key)
{
    /// <summary>Changing user, port, bastion, key, expected or revoked host keys opens a new connection.</summary>
    public string PoolKey =>
        string.Join('|', Name, Endpoint, Trust(Endpoint), Bastion?.ToString() ?? "-", Bastion is null ? "-" : Trust(Bastion), Key.Id);

    private static string Trust(SshEndpoint endpoint) =>
        string.Join(',', endpoint.HostKeys.Expected.Select(k => HostKeyPolicy.Fingerprint(k.Blob))) + "!" +
        string.Join(',', endpoint.HostKeys.Revoked.Select(k => HostKeyPolicy.Fingerprint(k.Blob)));
}
