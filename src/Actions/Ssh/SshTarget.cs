namespace HaKube.Actions.Ssh;

/// <summary>One SSH server to log in to, and which host keys it may present.</summary>
public sealed record SshEndpoint(string Address, int Port, string User, HostKeyPolicy HostKeys)
{
    public override string ToString() => $"{User}@{KnownHosts.LookupName(Address, Port)}";
}

/// <summary>
/// A host HaKube works on: its endpoint, the optional bastion in front of it, and the client key.
/// Two targets that differ in anything that matters for a session get separate pooled connections.
/// </summary>
public sealed record SshTarget(string Name, SshEndpoint Endpoint, SshEndpoint? Bastion, SshPrivateKey Key)
{
    /// <summary>Identity of the session: changing user, port, bastion, key, expected or revoked host keys opens a new connection.</summary>
    public string PoolKey =>
        string.Join('|', Name, Endpoint, Trust(Endpoint), Bastion?.ToString() ?? "-", Bastion is null ? "-" : Trust(Bastion), Key.Id);

    private static string Trust(SshEndpoint endpoint) =>
        string.Join(',', endpoint.HostKeys.Expected.Select(k => HostKeyPolicy.Fingerprint(k.Blob))) + "!" +
        string.Join(',', endpoint.HostKeys.Revoked.Select(k => HostKeyPolicy.Fingerprint(k.Blob)));
}
