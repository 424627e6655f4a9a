using System.Text.Json;

namespace HaKube.Actions.Steps;

/// <summary>A member as <c>etcdctl member list -w json</c> prints it; an added member that never started has no name.</summary>
internal sealed record EtcdListedMember(ulong Id, string Name, IReadOnlyList<string> PeerUrls)
{
    public static IReadOnlyList<EtcdListedMember> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("members", out var members))
        {
            return [];
        }

        return members.EnumerateArray().Select(m => new EtcdListedMember(
            m.TryGetProperty("ID", out var id) ? id.GetUInt64() : 0,
            m.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "",
            m.TryGetProperty("peerURLs", out var peers) ? peers.EnumerateArray().Select(p => p.GetString() ?? "").ToList() : [])).ToList();
    }
}
