using System.Globalization;
using System.Text;
using System.Text.Json;
using HaKube.Model.Facts;

namespace HaKube.Actions.Etcd;

/// <summary>
/// The JSON of etcd's gRPC gateway for the few calls HaKube makes. Bodies are written by
/// <see cref="Utf8JsonWriter"/>, never pasted together; answers are read leniently (64-bit IDs are
/// strings from the gateway but numbers from etcdctl, false booleans are left out).
/// </summary>
internal static class EtcdGatewayJson
{
    public const string Empty = "{}";

    /// <summary>MemberAdd as a learner: it votes only once promoted.</summary>
    public static string AddLearner(string peerUrl) => Write(w =>
    {
        w.WriteStartArray("peerURLs");
        w.WriteStringValue(peerUrl);
        w.WriteEndArray();
        w.WriteBoolean("isLearner", true);
    });

    public static string Promote(ulong id) => Write(w => w.WriteString("ID", Id(id)));

    public static string Remove(ulong id) => Write(w => w.WriteString("ID", Id(id)));

    /// <summary>Only the leader takes it.</summary>
    public static string MoveLeader(ulong target) => Write(w => w.WriteString("targetID", Id(target)));

    /// <summary>Decimal, as the gateway writes it.</summary>
    public static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>From a member list or member add answer.</summary>
    /// <exception cref="JsonException">Not JSON.</exception>
    public static IReadOnlyList<EtcdMember> Members(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("members", out var members) || members.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return members.EnumerateArray().Select(m => new EtcdMember(
            Unsigned(m, "ID") ?? 0,
            m.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() ?? "" : "",
            Strings(m, "peerURLs"),
            Strings(m, "clientURLs"),
            m.TryGetProperty("isLearner", out var learner) && learner.ValueKind == JsonValueKind.True)).ToList();
    }

    /// <summary>Leader is 0 when none is known.</summary>
    /// <exception cref="JsonException">Not JSON.</exception>
    public static (ulong Member, ulong Leader) Status(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var member = root.TryGetProperty("header", out var header) ? Unsigned(header, "member_id") ?? 0 : 0;
        return (member, Unsigned(root, "leader") ?? 0);
    }

    /// <summary>{"health":"true"} (3.4 to 3.6); a boolean is accepted too.</summary>
    public static bool Healthy(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("health", out var health) &&
                (health.ValueKind == JsonValueKind.True || (health.ValueKind == JsonValueKind.String && health.GetString() == "true"));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Null when unreadable.</summary>
    public static string? ServerVersion(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("etcdserver", out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>"count" is a string of digits, left out when 0; null when unreadable.</summary>
    public static long? Count(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("header", out _))
            {
                return null;
            }

            if (!root.TryGetProperty("count", out _))
            {
                return 0;
            }

            return Unsigned(root, "count") is { } count ? (long)count : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The gateway's error text, or the answer's first line.</summary>
    public static string Error(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        try
        {
            using var document = JsonDocument.Parse(answer);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var key in new[] { "message", "error", "reason" })
                {
                    if (document.RootElement.TryGetProperty(key, out var text) && text.ValueKind == JsonValueKind.String && text.GetString() is { Length: > 0 } said)
                    {
                        return said;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not the gateway's JSON: curl's own words, or a proxy's page.
        }

        return answer.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static ulong? Unsigned(JsonElement element, string property)
    {
        if (!element.TryGetProperty(property, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetUInt64(out var n) => n,
            JsonValueKind.String when ulong.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var s) => s,
            _ => null,
        };
    }

    private static List<string> Strings(JsonElement element, string property) =>
        element.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString() ?? "").ToList()
            : [];
}
