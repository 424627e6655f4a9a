using System.Globalization;
using System.Text.Json;

namespace HaKube.Actions.Snapshots;

/// <summary>What the save script reported about the snapshot it left on the host.</summary>
internal sealed record SavedSnapshot(string Directory, long Size, string Sha256, EtcdSnapshotStatus Status)
{
    public string File => Directory + "/" + EtcdSnapshotScript.FileName;

    /// <summary>Null (and why) when any part is missing or malformed.</summary>
    public static SavedSnapshot? Parse(string output, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(output);
        var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.Ordinal);
        problem = null;
        if (!values.TryGetValue("dir", out var directory) || !EtcdSnapshotScript.IsTemporaryDirectory(directory))
        {
            problem = "the save script named no private folder";
        }
        else if (!values.TryGetValue("size", out var size) || !long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
        {
            problem = "the save script reported no size";
        }
        else if (!values.TryGetValue("sha256", out var sha256) || sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
        {
            problem = "the save script reported no sha256";
        }
        else if (!values.TryGetValue("status", out var status) || EtcdSnapshotStatus.Parse(status) is not { } parsed)
        {
            problem = "etcdctl snapshot status printed no hash, revision and key count";
        }
        else
        {
            return new SavedSnapshot(directory, bytes, sha256, parsed);
        }

        return null;
    }
}

public sealed record EtcdSnapshotStatus(ulong Hash, long Revision, long TotalKeys, long TotalSize)
{
    /// <summary>From etcdctl -w json; null when it is not that.</summary>
    public static EtcdSnapshotStatus? Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object &&
                root.TryGetProperty("hash", out var hash) && root.TryGetProperty("revision", out var revision) &&
                root.TryGetProperty("totalKey", out var keys) && root.TryGetProperty("totalSize", out var size)
                ? new EtcdSnapshotStatus(hash.GetUInt64(), revision.GetInt64(), keys.GetInt64(), size.GetInt64())
                : null;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }
}
