using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Model.Facts;

namespace HaKube.Actions.Probe;

/// <summary>
/// The probe: one sh script, one exec per host per cycle, printing every fact HaKube plans from.
/// Hosts may share a few cores, so it forks little (builtins for /proc, /sys and config files; one
/// stat, sha256sum, grep and systemctl for everything), and version commands run only for changed
/// binaries. Output: "key=value" lines and blocks between "@@name" and "@@end [status]".
/// </summary>
public static class ProbeScript
{
    public static readonly IReadOnlyList<string> VersionedBinaries = ["kubelet", "kubeadm", "kubectl"];

    /// <summary>Presence only: the packages of the other roles and host tools.</summary>
    public static readonly IReadOnlyList<string> PresenceBinaries = ["containerd", "etcd", "etcdctl", "haproxy", "crictl", "curl", "gpg", "conntrack", "iptables", "socat", "ethtool", "ebtables"];

    /// <summary>In output order.</summary>
    public static readonly IReadOnlyList<string> Units = ["kubelet", "etcd", "haproxy", "containerd"];

    public static readonly IReadOnlyList<int> Ports = [6443, 2379, 2380];

    /// <summary>Their *.yaml files are reported besides the fixed list.</summary>
    public static readonly IReadOnlyList<string> GlobbedFolders = [KnownPaths.Manifests, KnownPaths.HaKubeConfig];

    public static string Render(ProbeInputs inputs)
    {
        var script = new StringBuilder(TemplateLength + 1024);
        // The facts are gathered in a function whose output is held and written at the end: written as
        // they are found, they reach sshd as dozens of small writes, each its own SSH packet and its own
        // wake-up of the daemon's session thread, on every host every pass. Held, they are one or two.
        script.Append("hk_probe() {\n");
        script.Append("HK_ADDR_HEX=").Append(AddressPattern(inputs.Address)).Append('\n');
        script.Append("HK_ETCD_ENDPOINT=").Append(ShellQuote.Quote(EtcdEndpoint(inputs.Address))).Append('\n');
        script.Append("HK_LIST_NODES=").Append(inputs.ListNodes ? "1" : "").Append('\n');
        foreach (var (name, known) in inputs.KnownBinaries)
        {
            if (VersionedBinaries.Contains(name))
            {
                script.Append("HK_KNOWN_").Append(name).Append('=').Append(ShellQuote.Quote(known.Identity)).Append('\n');
            }
        }

        var fixedFiles = string.Join(' ', inputs.Files.Select(ShellQuote.Quote));
        // Only fixed files a glob can also find need skipping there: the rest would only lengthen every probe.
        var globbed = inputs.Files.Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) && GlobbedFolders.Contains(Path.GetDirectoryName(f))).ToList();
        var listed = globbed.Count == 0 ? "/dev/null/none" : string.Join('|', globbed.Select(ShellQuote.Quote));
        // Only the file lists vary; the values go in as they are, never searched for placeholders again.
        foreach (var part in Template)
        {
            script.Append(part switch
            {
                "@FILES@" => fixedFiles,
                "@LISTED@" => listed,
                _ => part,
            });
        }

        // $(...) drops the output's final newline, which printf puts back.
        return script.Append("\n}\nhk_out=$(hk_probe)\nhk_status=$?\nprintf '%s\\n' \"$hk_out\"\nexit $hk_status\n").ToString();
    }

    /// <summary>Count only; keys are base64 in the gateway's JSON.</summary>
    internal static readonly string KubeadmConfigRange =
        "{\"key\":\"" + Convert.ToBase64String(Encoding.ASCII.GetBytes(KnownPaths.KubeadmConfigKey)) + "\",\"count_only\":true}";

    // After KubeadmConfigRange: static fields are set in the order they are written.
    /// <summary>
    /// The body with every fixed value in place, split around the per-host placeholders (kept as parts of
    /// their own): built once, since the probe renders for every host on every pass.
    /// </summary>
    private static readonly IReadOnlyList<string> Template = System.Text.RegularExpressions.Regex.Split(
        Body
            .Replace("@GLOBS@", string.Join(' ', GlobbedFolders.Select(f => ShellQuote.Quote(f) + "/*.yaml")), StringComparison.Ordinal)
            .Replace("@PORTS@", string.Join('|', Ports.Where(p => p != 2379).Select(p => "*:" + p.ToString("X4", CultureInfo.InvariantCulture))), StringComparison.Ordinal)
            .Replace("@UNITS@", string.Join(' ', Units), StringComparison.Ordinal)
            .Replace("@BINS@", string.Join(' ', VersionedBinaries), StringComparison.Ordinal)
            .Replace("@PRESENT@", string.Join(' ', PresenceBinaries), StringComparison.Ordinal)
            .Replace("@STATICPODS@", string.Join(' ', HostFacts.StaticPodComponents), StringComparison.Ordinal)
            .Replace("@RECORD@", KnownPaths.EtcdManifestRecord, StringComparison.Ordinal)
            .Replace("@CONTAINERD@", KnownPaths.ContainerdConfig, StringComparison.Ordinal)
            .Replace("@MANIFESTS@", KnownPaths.Manifests, StringComparison.Ordinal)
            .Replace("@ADMINCONF@", KnownPaths.AdminConf, StringComparison.Ordinal)
            .Replace("@HAPROXYSOCKET@", HaproxyConfigRenderer.StatsSocket, StringComparison.Ordinal)
            .Replace("@HAPROXYMAINTENANCE@", HaproxyRuntimeApi.ServersInMaintenance("\"$bin_socat\""), StringComparison.Ordinal)
            .Replace("@KUBEADMCONFIGRANGE@", KubeadmConfigRange, StringComparison.Ordinal),
        "(@FILES@|@LISTED@)");

    private static readonly int TemplateLength = Template.Sum(p => p.Length);

    /// <summary>As /proc/net/tcp writes it (each 32-bit word byte-reversed), as a case pattern; "*" for a DNS name.</summary>
    internal static string AddressPattern(string address)
    {
        if (!IPAddress.TryParse(address, out var ip))
        {
            return "'*'";
        }

        var bytes = ip.GetAddressBytes();
        var hex = new StringBuilder();
        for (var word = 0; word < bytes.Length; word += 4)
        {
            for (var i = 3; i >= 0; i--)
            {
                hex.Append(bytes[word + i].ToString("X2"));
            }
        }

        return hex.ToString();
    }

    internal static string EtcdEndpoint(string address) =>
        IPAddress.TryParse(address, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6
            ? $"https://[{address}]:2379"
            : $"https://{address}:2379";

    // Comments in the script would travel on every exec; they live here instead.
    // - o prints one fact; r reads a file's first line into v without forking.
    // - br_netfilter counts as loaded when built into the kernel too: then only its sysctls show.
    // - The listener scan reads /proc/net/tcp{,6} with awk (state 0A is LISTEN; ports are hex): the
    //   shell's read takes one system call per byte, and a busy control plane's table holds
    //   thousands of connections, which cost a shell loop ~0.2 s of CPU per pass.
    // - The stat output is kept in a variable so binary identities can be compared in shell.
    // - grep prints only certificate lines of *.crt files (PEM armour and base64 lines) and the
    //   client-certificate-data line of kubeconfigs; client-key-data never leaves the host.
    // - The control plane's version is the image of its static pod manifests, read with the
    //   shell's own read (no fork): the first "image:" line of each, as "image.<component>".
    //   kube-apiserver's is also read for its --etcd-servers flag (External etcd: where the control
    //   plane looks for etcd, which must follow the spec's etcd hosts); kubeadm writes the command
    //   before the image, so the read stops at the image there too, and goes on only if it has not
    //   seen the flag yet.
    // - containerd's config.toml is read line by line with read (no fork): only "KEY = VALUE" lines
    //   whose first word is SystemdCgroup, sandbox_image, (version 3 files) sandbox or config_path count, so
    //   comments do not.
    // - etcd: one curl with four transfers (--next) through etcd's JSON gateway on the local client
    //   URL: POST /v3/cluster/member/list, GET /health, GET /version, and a count-only range of the
    //   key kube-apiserver stores kube-system/kubeadm-config under (kubeadm init's upload-config
    //   phase writes it: without it an init stopped half-way), each followed by a "@@http CODE
    //   ERROR" line of its own (curl's --write-out), with the healthcheck-client pair (kubeadm's; the
    //   server pair on hosts that have no healthcheck-client).
    // - Where HAProxy's runtime API answers (a load balancer, with socat), the servers of the control
    //   planes' backend in forced maintenance (srv_admin_state bit 0x01): the ones a restart HaKube
    //   began took out and a run cut short did not put back.
    // - One control plane per pass (HK_LIST_NODES) lists the Nodes with admin.conf, for the labels
    //   HaKube keeps and the Nodes no spec host matches; bounded by kubectl's request timeout.
    private const string Body = """
        export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/bin
        o() { printf '%s=%s\n' "$1" "$2"; }
        r() { v=; [ -r "$1" ] && IFS= read -r v < "$1"; return 0; }
        o probe 1
        r /proc/sys/kernel/hostname; o hostname "$v"
        r /proc/sys/kernel/osrelease; o kernel "$v"
        if [ -r /proc/sys/kernel/arch ]; then r /proc/sys/kernel/arch; o arch "$v"; else o arch "$(uname -m)"; fi
        if [ -r /etc/os-release ]; then
          while IFS='=' read -r k v; do
            case $k in ID|VERSION_ID|PRETTY_NAME) v=${v#[\"\']}; v=${v%[\"\']}; o "os.$k" "$v";; esac
          done < /etc/os-release
        fi
        n=0
        if [ -r /proc/swaps ]; then { read -r _; while read -r _ _; do n=$((n+1)); done; } < /proc/swaps; fi
        o swaps "$n"
        r /proc/sys/net/ipv4/ip_forward; o ip_forward "$v"
        if [ -d /sys/module/br_netfilter ] || [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]; then o br_netfilter 1; else o br_netfilter 0; fi
        if [ -d /var/lib/etcd/member ]; then o etcd_data 1; else o etcd_data 0; fi
        if [ -d /var/lib/etcd/default ]; then o etcd_default 1; fi
        if [ -s /etc/ssl/certs/ca-certificates.crt ]; then o ca_bundle 1; fi
        r @RECORD@; [ -z "$v" ] || o etcd_manifest_record "$v"
        if [ -r @CONTAINERD@ ]; then
          o containerd.config 1
          while IFS= read -r l; do
            case $l in *=*) ;; *) continue;; esac
            k=${l%%=*}; set -f; set -- $k; set +f
            case ${1-} in
              SystemdCgroup) o containerd.systemd_cgroup "${l#*=}";;
              sandbox_image|sandbox) o containerd.sandbox "${l#*=}";;
              config_path) o containerd.config_path "${l#*=}";;
            esac
          done < @CONTAINERD@
        fi
        etcd=
        for l in $(awk '$4 == "0A" { print $2 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null); do
          case $l in
            @PORTS@) o listen "$l";;
            *:094B) o listen "$l"
              case $l in $HK_ADDR_HEX:*|00000000:*|00000000000000000000000000000000:*) etcd=1;; esac;;
          esac
        done
        set --
        for b in @BINS@ @PRESENT@; do
          for d in /usr/bin /usr/local/bin /opt/bin /usr/sbin /usr/local/sbin; do
            if [ -x "$d/$b" ]; then eval "bin_$b=\$d/\$b"; o "bin.$b" "$d/$b"; set -- "$@" "$d/$b"; break; fi
          done
        done
        nb=$#
        for f in @FILES@; do
          if [ -f "$f" ]; then set -- "$@" "$f"; else o absent "$f"; fi
        done
        for f in @GLOBS@; do
          case $f in *'*'*|*[!A-Za-z0-9._/-]*|@LISTED@) continue;; esac
          [ -f "$f" ] && set -- "$@" "$f"
        done
        st=
        [ $# -gt 0 ] && st=$(stat -L -c '%n %a %u %g %s %Y %i' -- "$@" 2>/dev/null)
        printf '@@stat\n%s\n@@end\n' "$st"
        shift "$nb"
        if [ $# -gt 0 ]; then
          printf '@@sha256\n'; sha256sum -- "$@" 2>/dev/null; printf '@@end\n'
          n=$#
          for f in "$@"; do case $f in *.crt|*.conf) set -- "$@" "$f";; esac; done
          shift "$n"
          if [ $# -gt 0 ]; then
            printf '@@certs\n'
            grep -H -e '^-----' -e '^[A-Za-z0-9+/=]\{1,\}$' -e '^ *client-certificate-data:' -- "$@" 2>/dev/null
            printf '@@end\n'
          fi
        fi
        nl='
        '
        IFS=$nl; set -f
        for line in $st; do
          IFS=' '; set -- $line; IFS=$nl
          case $1 in "$bin_kubelet"|"$bin_kubeadm"|"$bin_kubectl") ;; *) continue;; esac
          b=${1##*/}; eval "k=\${HK_KNOWN_$b-}"
          [ "$k" = "$5:$6:$7" ] && continue
          printf '@@version %s %s\n' "$b" "$5:$6:$7"
          case $b in kubeadm) "$1" version -o short;; kubelet) "$1" --version;; *) "$1" version --client;; esac 2>&1
          printf '@@end %s\n' "$?"
        done
        unset IFS; set +f
        if command -v systemctl >/dev/null 2>&1; then
          printf '@@services\n'; systemctl is-active @UNITS@ 2>/dev/null; printf '@@end\n'
        else
          o services none
        fi
        if [ -S @HAPROXYSOCKET@ ] && [ -n "${bin_socat-}" ]; then
          set -f; set -- $(@HAPROXYMAINTENANCE@); set +f; o haproxy_maint "$*"
        fi
        for c in @STATICPODS@; do
          [ -r "@MANIFESTS@/$c.yaml" ] || continue
          es=; [ "$c" = kube-apiserver ] || es=1
          while IFS= read -r l; do
            case $l in
              *--etcd-servers=*) set -f; set -- ${l#*--etcd-servers=}; set +f; o etcd_servers "${1-}"; es=1;;
              *image:*) set -f; set -- ${l#*image:}; set +f; o "image.$c" "${1-}"; [ -z "$es" ] || break;;
            esac
          done < "@MANIFESTS@/$c.yaml"
        done
        if [ -n "$etcd" ]; then
          if command -v curl >/dev/null 2>&1; then
            p=/etc/kubernetes/pki/etcd
            if [ -r $p/healthcheck-client.crt ]; then n=healthcheck-client; else n=server; fi
            set -- -s --cacert $p/ca.crt --cert $p/$n.crt --key $p/$n.key --connect-timeout 2 --max-time 3 -H 'Content-Type: application/json' -w '\n@@http %{http_code} %{errormsg}\n'
            printf '@@etcd\n'
            e=$HK_ETCD_ENDPOINT
            curl "$@" -d '{}' "$e/v3/cluster/member/list" --next "$@" "$e/health" --next "$@" "$e/version" --next "$@" -d '@KUBEADMCONFIGRANGE@' "$e/v3/kv/range"
            printf '@@end %s\n' "$?"
          else
            o etcd_nocurl 1
          fi
        fi
        if [ -n "$HK_LIST_NODES" ] && [ -r @ADMINCONF@ ] && command -v kubectl >/dev/null 2>&1; then
          printf '@@nodes\n'; kubectl --kubeconfig=@ADMINCONF@ --request-timeout=5s get nodes -o json 2>&1; printf '\n@@end %s\n' "$?"
        fi
        o done 1
        """;
}
