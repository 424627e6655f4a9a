using System.Globalization;
using System.Text.RegularExpressions;
using HaKube.Actions.Pki;
using HaKube.Actions.Probe;
using HaKube.Actions.Ssh;

namespace HaKube.Actions.Snapshots;

/// <summary>The host side of an etcd snapshot; inputs are validated before any quoting, and the content never passes through a script's output.</summary>
internal static partial class EtcdSnapshotScript
{
    /// <summary>kubeadm's etcd pod mounts it at the same path; it survives reboots, so stale folders are swept.</summary>
    public const string TemporaryParent = "/var/lib/etcd";

    public const string FileName = "snapshot.db";

    /// <summary>
    /// Saves with the etcd container's etcdctl (crictl exec: a kubeadm host has none, and the image has
    /// no shell), or the host's etcdctl for a member of HaKube's former systemd unit, into a 0700
    /// mktemp folder, then prints dir=, size=, sha256= and status=. Any failure removes the folder;
    /// folders over two hours old from a run that died mid-copy are swept first.
    /// </summary>
    public static string Save(string address, TimeSpan timeout)
    {
        var endpoint = ProbeScript.EtcdEndpoint(address);
        var seconds = Math.Max(1, (int)timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return $$"""
            set -eu
            export LC_ALL=C ETCDCTL_API=3 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/bin
            umask 077
            find {{TemporaryParent}} -maxdepth 1 -type d -name 'hakube-etcd-snapshot.*' -mmin +120 -exec rm -rf -- {} + 2>/dev/null || :
            c=
            if command -v crictl >/dev/null 2>&1; then c=$(crictl ps --name etcd --state running -q 2>/dev/null | head -n 1) || c=; fi
            if [ -n "$c" ]; then
              run() { crictl exec "$c" "$@"; }
            elif command -v etcdctl >/dev/null 2>&1; then
              run() { "$@"; }
            else
              echo "hakube: no running etcd container (crictl ps --name etcd) and no etcdctl on this host" >&2; exit 1
            fi
            d=$(mktemp -d {{TemporaryParent}}/hakube-etcd-snapshot.XXXXXX)
            trap 'rm -rf -- "$d"' EXIT
            p={{ShellQuote.Quote(PkiPaths.EtcdDirectory)}}
            if [ -r "$p/healthcheck-client.crt" ]; then n=healthcheck-client; else n=server; fi
            f="$d/{{FileName}}"
            run etcdctl --endpoints={{ShellQuote.Quote(endpoint)}} --cacert="$p/ca.crt" --cert="$p/$n.crt" --key="$p/$n.key" \
              --dial-timeout=5s --command-timeout={{seconds}}s snapshot save "$f" >&2
            chmod 600 "$f"
            s=$(run etcdutl snapshot status "$f" -w json 2>/dev/null) || s=$(run etcdctl snapshot status "$f" -w json 2>/dev/null)
            h=$(sha256sum "$f")
            printf 'dir=%s\nsize=%s\nsha256=%s\nstatus=%s\n' "$d" "$(stat -c %s "$f")" "${h%% *}" "$s"
            trap - EXIT
            """;
    }

    /// <summary>Only a folder <see cref="Save"/> made.</summary>
    public static string Remove(string directory) =>
        IsTemporaryDirectory(directory)
            ? $"rm -rf -- {ShellQuote.Quote(directory)}"
            : throw new ArgumentException($"\"{directory}\" is not a folder the snapshot script makes", nameof(directory));

    /// <summary>Nothing else may be removed or read.</summary>
    public static bool IsTemporaryDirectory(string directory) => TemporaryDirectoryPattern().IsMatch(directory);

    [GeneratedRegex(@"^/var/lib/etcd/hakube-etcd-snapshot\.[A-Za-z0-9]{6,}$")]
    private static partial Regex TemporaryDirectoryPattern();
}
