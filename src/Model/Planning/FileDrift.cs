using HaKube.Model.Facts;

namespace HaKube.Model.Planning;

/// <summary>How a host's files differ from the ones HaKube keeps there, in words for the plan's reasons.</summary>
internal static class FileDrift
{
    /// <summary>
    /// One phrase per file that is missing, has other content or another mode. A path the probe
    /// did not report counts as missing: the probe reports every path it was asked about, so an
    /// unreported path was never asked about, and writing it again is the safe side.
    /// </summary>
    public static IReadOnlyList<string> Describe(HostFacts facts, IEnumerable<DesiredFile> desired)
    {
        var drift = new List<string>();
        foreach (var want in desired)
        {
            if (!facts.Files.TryGetValue(want.Path, out var have) || !have.Present)
            {
                drift.Add($"{want.Path} missing");
            }
            else if (!string.Equals(have.Sha256, want.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                drift.Add(have.Sha256 is null
                    ? $"{want.Path} unreadable (no sha256), want sha256 {Short(want.Sha256)}"
                    : $"{want.Path} differs (sha256 {Short(have.Sha256)}, want {Short(want.Sha256)})");
            }
            else if (NormalMode(have.Mode) != NormalMode(want.Mode))
            {
                drift.Add($"{want.Path} has mode {have.Mode ?? "unknown"}, want {want.Mode}");
            }
        }

        return drift;
    }

    /// <summary>Twelve hex digits identify a file well enough for a person comparing two plans.</summary>
    private static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;

    // stat prints "600"; a desired mode may be written "0600".
    private static string NormalMode(string? mode) => mode is null ? "" : mode.TrimStart('0');
}
