using System.Text.Json;
using HaKube.Model.Facts;

namespace HaKube.Actions.Probe;

/// <summary>Reads <c>etcdctl member list -w json</c>.</summary>
internal static class EtcdMembers
{
    public static IReadOnlyList<EtcdMember> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("members", out var members))
        {
            return [];
        }

        return members.EnumerateArray().Select(m => new EtcdMember(
            m.TryGetProperty("ID", out var id) && id.TryGetUInt64(out var value) ? value : 0,
            m.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "",
            Strings(m, "peerURLs"),
            Strings(m, "clientURLs"),
            m.TryGetProperty("isLearner", out var learner) && learner.ValueKind == JsonValueKind.True)).ToList();
    }

    private static List<string> Strings(JsonElement element, string property) =>
        element.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(e => e.GetString() ?? "").ToList()
            : [];
}
