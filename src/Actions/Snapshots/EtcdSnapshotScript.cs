using System.Globalization;
using System.Text.RegularExpressions;
using HaKube.Actions.Pki;
using HaKube.Actions.Probe;
using HaKube.Actions.Ssh;

namespace HaKube.Actions.Snapshots;

/// <summary>
/// The host side of an etcd snapshot: one script saves it into a fresh private folder and reports
/// the facts to verify the copy against, another removes that folder. Inputs are validated before
/// any quoting; the snapshot's content never passes through either script's output.
/// </summary>
public static partial class EtcdSnapshotScript
{
    /// <summary>
    /// Where the private folders are made: inside etcd's data directory, which kubeadm's etcd pod
    /// mounts from the host at the same path, so etcdctl in the etcd container writes where the host
    /// (and the copy over SSH) reads. It survives a reboot, so stale folders are swept too.
    /// </summary>
    public const string TemporaryParent = "/var/lib/etcd";

    /// <summary>The snapshot file inside the private folder.</summary>
    public const string FileName = "snapshot.db";

    /// <summary>
    /// Saves a snapshot of the member at <paramref name="address"/> with the etcd container's own
    /// etcdctl (crictl exec: a kubeadm host has no etcdctl of its own; the etcd image has it, and no
    /// shell, so the command is exec'd directly), using the host's etcd PKI (kubeadm's
    /// healthcheck-client, else the server pair), into a mktemp -d folder (0700; the file 0600), then
    /// prints dir=, size=, sha256= and status= (snapshot status as JSON, etcdutl's where the image has
    /// it, else etcdctl's). A member still run by HaKube's former systemd unit has no container: the
    /// host's etcdctl (Debian's etcd-client, which that setup installed) does the same. Any failure
    /// removes the folder before exiting. Folders older than two hours left by a run that never
    /// cleaned up (host or daemon died mid-copy) are swept first.
    /// </summary>
    /// <param name="address">The member host's address; the endpoint is its client URL.</param>
    /// <param name="timeout">etcdctl's command timeout: snapshot save is one long call.</param>
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

    /// <summary>Removes a folder <see cref="Save"/> made, and only such a folder.</summary>
    public static string Remove(string directory) =>
        IsTemporaryDirectory(directory)
            ? $"rm -rf -- {ShellQuote.Quote(directory)}"
            : throw new ArgumentException($"\"{directory}\" is not a folder the snapshot script makes", nameof(directory));

    /// <summary>mktemp's output for the save script's template: nothing else may be removed or read.</summary>
    public static bool IsTemporaryDirectory(string directory) => TemporaryDirectoryPattern().IsMatch(directory);

    [GeneratedRegex(@"^/var/lib/etcd/hakube-etcd-snapshot\.[A-Za-z0-9]{6,}$")]
    private static partial Regex TemporaryDirectoryPattern();
}
