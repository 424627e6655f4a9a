using HaKube.Actions.Pki;
using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;

namespace HaKube.Actions.Steps;

/// <summary>Shell functions the step scripts share. Every value interpolated here is quoted.</summary>
internal static class ShellSnippets
{
    /// <summary>Strict mode, a fail function whose message ends up in the step error, and a clean locale and PATH.</summary>
    public const string Prelude = """
        set -eu
        export LC_ALL=C DEBIAN_FRONTEND=noninteractive PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
        fail() { echo "hakube: $*" >&2; exit 1; }

        """;

    /// <summary>Writes a file from a quoted literal (only for content that is not secret: scripts are visible in ps).</summary>
    public static string WriteFile(string path, string content, string mode) =>
        $"mkdir -p {ShellQuote.Quote(Path.GetDirectoryName(path)!)}\nprintf '%s' {ShellQuote.Quote(content)} > {ShellQuote.Quote(path)}\nchmod {mode} {ShellQuote.Quote(path)}\n";

    /// <summary>
    /// <c>ec</c>: etcdctl against <paramref name="member"/>'s client URL with that member's
    /// healthcheck-client certificate; <c>wait_healthy SECONDS</c>: polls endpoint health, bounded,
    /// and on failure prints etcd's health answer and the unit's status.
    /// </summary>
    public static string Etcdctl(HostSpec member) => $$"""
        ec() { ETCDCTL_API=3 etcdctl --endpoints={{ShellQuote.Quote(EtcdUnitRenderer.ClientUrl(member))}} --cacert={{PkiPaths.EtcdCaCertificate}} --cert={{PkiPaths.EtcdHealthcheckClientCertificate}} --key={{PkiPaths.EtcdHealthcheckClientKey}} --dial-timeout=2s --command-timeout=5s "$@"; }
        wait_healthy() {
          n=0
          while ! ec endpoint health >/dev/null 2>&1; do
            n=$((n + 1))
            if [ "$n" -ge "$1" ]; then
              ec endpoint health >&2 || true
              systemctl status etcd --no-pager -n 15 >&2 || true
              fail "etcd on this host is not healthy after $1 s"
            fi
            sleep 1
          done
        }

        """;
}
