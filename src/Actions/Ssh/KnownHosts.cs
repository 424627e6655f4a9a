using System.Security.Cryptography;
using System.Text;
using HaKube.Model.Validation;

namespace HaKube.Actions.Ssh;

/// <summary>@cert-authority lines are ignored (no host certificates), which can only refuse a host, never trust one.</summary>
public sealed class KnownHosts
{
    private readonly IReadOnlyList<KnownHostsEntry> _entries;

    private KnownHosts(IReadOnlyList<KnownHostsEntry> entries) => _entries = entries;

    public static KnownHosts Empty { get; } = new([]);

    public IReadOnlyList<KnownHostsEntry> Entries => _entries;

    public static KnownHosts Parse(string text)
    {
        var entries = new List<KnownHostsEntry>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var marker = KnownHostsMarker.None;
            var at = 0;
            if (fields[0].StartsWith('@'))
            {
                marker = fields[0] switch
                {
                    "@revoked" => KnownHostsMarker.Revoked,
                    "@cert-authority" => KnownHostsMarker.CertificateAuthority,
                    _ => KnownHostsMarker.Unknown,
                };
                at = 1;
            }

            // Malformed lines and key types HaKube does not know are skipped, as ssh does:
            // they can only ever fail to match.
            if (fields.Length < at + 3 || marker is KnownHostsMarker.Unknown or KnownHostsMarker.CertificateAuthority ||
                !SshHostKey.TryParse(fields[at + 1] + " " + fields[at + 2], out var key, out _))
            {
                continue;
            }

            entries.Add(new KnownHostsEntry(marker, fields[at], key!));
        }

        return new KnownHosts(entries);
    }

    /// <summary>A regular UTF-8 file of at most <see cref="HaKube.Model.Api.SshSpec.MaxKnownHostsBytes"/>.</summary>
    public static async Task<KnownHosts> LoadAsync(string path, CancellationToken cancellationToken)
    {
        var bytes = await Task.Run(() => HaKube.Actions.Files.RegularFile.Read(path, HaKube.Model.Api.SshSpec.MaxKnownHostsBytes, HaKube.Actions.Files.PathScope.Anywhere), cancellationToken);
        return Parse(new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes));
    }

    /// <summary>As ssh looks it up: the host alone on port 22, else "[host]:port".</summary>
    public static string LookupName(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

    /// <summary>Revoked keys left out.</summary>
    public IReadOnlyList<SshHostKey> KeysFor(IEnumerable<string> hosts, int port)
    {
        var names = hosts.Select(h => LookupName(h, port)).ToList();
        return _entries
            .Where(e => e.Marker == KnownHostsMarker.None && names.Any(e.Matches))
            .Select(e => e.Key)
            .DistinctBy(k => Convert.ToBase64String(k.Blob))
            .ToList();
    }

    public IReadOnlyList<SshHostKey> RevokedFor(IEnumerable<string> hosts, int port)
    {
        var names = hosts.Select(h => LookupName(h, port)).ToList();
        return _entries.Where(e => e.Marker == KnownHostsMarker.Revoked && names.Any(e.Matches)).Select(e => e.Key).ToList();
    }
}

public enum KnownHostsMarker
{
    None,
    Revoked,
    CertificateAuthority,
    Unknown,
}

public sealed record KnownHostsEntry(KnownHostsMarker Marker, string HostPatterns, SshHostKey Key)
{
    // Split and lowered when set (every host of every pass is looked up against every entry): by the
    // constructor (a property initializer bypasses the accessor) and by a copy made with `with`.
    private (bool Negated, string Body)[] _patterns = Split(HostPatterns);

    public string HostPatterns
    {
        get;
        init
        {
            field = value;
            _patterns = Split(value);
        }
    } = HostPatterns;

    /// <summary>By value, as a record is: the split patterns follow from <see cref="HostPatterns"/>.</summary>
    public bool Equals(KnownHostsEntry? other) =>
        other is not null && Marker == other.Marker && HostPatterns == other.HostPatterns && Key == other.Key;

    public override int GetHashCode() => HashCode.Combine(Marker, HostPatterns, Key);

    /// <summary><paramref name="lookupName"/> as <see cref="KnownHosts.LookupName"/> makes it.</summary>
    public bool Matches(string lookupName)
    {
        ArgumentNullException.ThrowIfNull(lookupName);
        if (HostPatterns.StartsWith("|1|", StringComparison.Ordinal))
        {
            return MatchesHashed(HostPatterns, lookupName);
        }

        var matched = false;
        foreach (var (negated, body) in _patterns)
        {
            if (Glob(body, lookupName))
            {
                if (negated)
                {
                    return false;
                }

                matched = true;
            }
        }

        return matched;
    }

    private static bool MatchesHashed(string field, string lookupName)
    {
        var parts = field.Split('|');
        if (parts.Length != 4)
        {
            return false;
        }

        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var expected = Convert.FromBase64String(parts[3]);
            // OpenSSH's hashed known_hosts format is defined as HMAC-SHA1; it hides names, it signs nothing.
#pragma warning disable CA5350
            var actual = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(lookupName));
#pragma warning restore CA5350
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static (bool Negated, string Body)[] Split(string patterns) =>
        [.. patterns.Split(',').Select(p => p.StartsWith('!') ? (true, p[1..].ToLowerInvariant()) : (false, p.ToLowerInvariant()))];

    // ssh's wildcards: '*' any run of characters, '?' exactly one. The pattern is lower case already.
    private static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == char.ToLowerInvariant(text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
