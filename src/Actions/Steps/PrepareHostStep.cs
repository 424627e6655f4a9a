using System.Text;
using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// Host prerequisites, by role. Kubernetes nodes: swap off (now and in fstab), the kernel modules
/// loaded (checked in /sys/module and the built-in list: a module that cannot be loaded is an
/// error, not a warning, because kubeadm and the pod network fail later and less clearly),
/// ip_forward on, containerd with the systemd cgroup driver, and kubelet/kubeadm/kubectl from the
/// spec's pkgs.k8s.io minor repository at exactly the spec's version, held (only on a node not yet
/// joined: on a joined one a version change is an upgrade, the upgrade steps' work, so the
/// packages are left as they are). LoadBalancer hosts get
/// HAProxy, external etcd hosts etcd. Each part does nothing when already true, then re-checks.
/// </summary>
public sealed class PrepareHostStep : IStep
{
    public StepKind Kind => StepKind.PrepareHost;

    public Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        return HostCommands.ForEachHostAsync(context, planStep.Hosts, async (name, token) =>
        {
            var host = context.Host(name);
            await HostCommands.RunAsync(context, name, Kind, "prepare the host (" + Parts(context.Spec, host) + ")", Script(context.Spec, host), token, context.PackageTimeout);
        }, cancellationToken);
    }

    /// <summary>The whole preparation script for <paramref name="host"/>.</summary>
    public static string Script(HaClusterSpec spec, HostSpec host)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(host);
        var script = new StringBuilder(ShellSnippets.Prelude);
        script.Append("updated=\n");
        script.Append("apt_update() { [ -n \"$updated\" ] || apt-get update -q >/dev/null || fail \"apt-get update failed\"; updated=1; }\n");
        if (IsKubernetesNode(host))
        {
            script.Append(Swap).Append(Modules).Append(Sysctl).Append(Repository(spec)).Append(Containerd).Append(Packages(spec));
        }

        if (host.Roles.Contains(HostRole.LoadBalancer) && spec.LoadBalancer.Provider == LoadBalancerProvider.HAProxy)
        {
            script.Append(Haproxy);
        }

        if (host.Roles.Contains(HostRole.Etcd) && spec.Etcd.Topology == EtcdTopology.External)
        {
            script.Append(Etcd);
        }

        return script.ToString();
    }

    private static bool IsKubernetesNode(HostSpec host) =>
        host.Roles.Contains(HostRole.ControlPlane) || host.Roles.Contains(HostRole.Worker);

    private static string Parts(HaClusterSpec spec, HostSpec host)
    {
        var parts = new List<string>();
        if (IsKubernetesNode(host))
        {
            parts.Add($"swap, kernel modules, sysctls, containerd, Kubernetes packages {spec.Version().PackageVersion}");
        }

        if (host.Roles.Contains(HostRole.LoadBalancer))
        {
            parts.Add("haproxy");
        }

        if (host.Roles.Contains(HostRole.Etcd))
        {
            parts.Add("etcd");
        }

        return string.Join("; ", parts);
    }

    // Only lines whose third field is "swap" and that are not comments are commented out; a backup is kept.
    private const string Swap = """
        if [ "$(grep -c . /proc/swaps)" -gt 1 ]; then swapoff -a || fail "swapoff -a failed"; fi
        sw='^[[:space:]]*[^#[:space:]][^[:space:]]*[[:space:]]+[^[:space:]]+[[:space:]]+swap[[:space:]]'
        if grep -Eq "$sw" /etc/fstab 2>/dev/null; then
          sed -i.hakube-bak -E "s@($sw.*)\$@# disabled by HaKube: \\1@" /etc/fstab || fail "could not disable swap in /etc/fstab"
        fi
        [ "$(grep -c . /proc/swaps)" -le 1 ] || fail "swap is still on: $(tail -n +2 /proc/swaps | tr -s ' ' | tr '\n' ';')"

        """;

    private static string Modules => ShellSnippets.WriteFile(HostPrerequisiteFiles.ModulesPath, HostPrerequisiteFiles.Modules, "0644") + $$"""
        loaded() {
          [ -d "/sys/module/$1" ] && return 0
          grep -qs "/$1.ko" "/lib/modules/$(uname -r)/modules.builtin" && return 0
          # Built into some kernels without a /sys/module entry; its sysctls prove it is there.
          [ "$1" = br_netfilter ] && [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]
        }
        missing=
        for m in {{string.Join(' ', HostPrerequisiteFiles.KernelModules)}}; do
          loaded "$m" || modprobe "$m" >&2 || true
          loaded "$m" || missing="$missing $m"
        done
        [ -z "$missing" ] || fail "kernel module(s)$missing not loaded, and modprobe could not load them (is the module installed for kernel $(uname -r)?)"

        """;

    private static string Sysctl => ShellSnippets.WriteFile(HostPrerequisiteFiles.SysctlPath, HostPrerequisiteFiles.Sysctl, "0644") + $"""
        # Only HaKube's file: sysctl --system would also re-apply every other package's settings.
        sysctl -q -p {HostPrerequisiteFiles.SysctlPath} >&2 || fail "sysctl could not apply {HostPrerequisiteFiles.SysctlPath}"
        [ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ] || fail "net.ipv4.ip_forward is still 0"

        """;

    /// <summary>The pkgs.k8s.io source of the spec's minor and its signing key, in place (the upgrade steps switch minors with it too).</summary>
    internal static string Repository(HaClusterSpec spec)
    {
        var minor = spec.Version().MinorTag;
        var source = HostPrerequisiteFiles.AptSource(minor);
        var key = HostPrerequisiteFiles.RepositoryUrl(minor) + "Release.key";
        return $"""
            if [ "$(cat {HostPrerequisiteFiles.AptSourcePath} 2>/dev/null)" != {ShellQuote.Quote(source.TrimEnd('\n'))} ]; then
            {ShellSnippets.WriteFile(HostPrerequisiteFiles.AptSourcePath, source, "0644")}  updated=
            fi
            if [ ! -s {HostPrerequisiteFiles.AptKeyringPath} ]; then
              mkdir -p -m 0755 /etc/apt/keyrings
              curl -fsSL --max-time 60 {ShellQuote.Quote(key)} | gpg --dearmor -o {HostPrerequisiteFiles.AptKeyringPath}.tmp \
                && mv -f {HostPrerequisiteFiles.AptKeyringPath}.tmp {HostPrerequisiteFiles.AptKeyringPath} \
                || fail "could not fetch the signing key of {HostPrerequisiteFiles.RepositoryUrl(minor)}"
            fi

            """;
    }

    private const string Containerd = """
        if ! command -v containerd >/dev/null 2>&1; then
          apt_update; apt-get install -y -q containerd >/dev/null || fail "apt-get install containerd failed"
        fi
        cfg=/etc/containerd/config.toml
        restart=
        if ! grep -Eq '^[[:space:]]*SystemdCgroup[[:space:]]*=[[:space:]]*true' "$cfg" 2>/dev/null; then
          mkdir -p /etc/containerd
          if grep -Eq '^[[:space:]]*SystemdCgroup[[:space:]]*=' "$cfg" 2>/dev/null; then cp "$cfg" "$cfg.hakube-new"
          else containerd config default > "$cfg.hakube-new" || fail "containerd config default failed"; fi
          sed -i -E 's/^([[:space:]]*SystemdCgroup[[:space:]]*=[[:space:]]*)false/\1true/' "$cfg.hakube-new"
          grep -Eq '^[[:space:]]*SystemdCgroup[[:space:]]*=[[:space:]]*true' "$cfg.hakube-new" || fail "containerd's configuration has no SystemdCgroup option to set"
          mv -f "$cfg.hakube-new" "$cfg"
          restart=1
        fi
        systemctl enable containerd >/dev/null 2>&1 || true
        if [ -n "$restart" ] || ! systemctl is-active -q containerd; then systemctl restart containerd || fail "containerd did not restart"; fi
        n=0
        until systemctl is-active -q containerd && [ -S /run/containerd/containerd.sock ]; do
          n=$((n + 1)); [ "$n" -lt 50 ] || fail "containerd is not running with its CRI socket after 10 s"; sleep 0.2
        done

        """;

    private static string Packages(HaClusterSpec spec)
    {
        var version = spec.Version().PackageVersion;
        var v = ShellQuote.Quote(version);
        return $$"""
            if [ -f {{KnownPaths.KubeletConf}} ]; then
              # A joined node: its Kubernetes packages change only through an upgrade step (kubeadm upgrade, drain).
              apt-mark hold kubelet kubeadm kubectl >/dev/null 2>&1 || true
            else
            v={{v}}
            need=
            for p in kubelet kubeadm kubectl; do
              case "$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || true)" in "$v"-*) ;; *) need=1 ;; esac
            done
            if [ -n "$need" ]; then
              apt_update
              apt-mark unhold kubelet kubeadm kubectl >/dev/null 2>&1 || true
              apt-get install -y -q --allow-change-held-packages --allow-downgrades "kubelet=$v-*" "kubeadm=$v-*" "kubectl=$v-*" >/dev/null \
                || fail "apt-get install of kubelet, kubeadm and kubectl $v failed"
            fi
            apt-mark hold kubelet kubeadm kubectl >/dev/null || fail "apt-mark hold failed"
            systemctl enable kubelet >/dev/null 2>&1 || fail "systemctl enable kubelet failed"
            [ "$(kubeadm version -o short)" = "v$v" ] || fail "kubeadm reports $(kubeadm version -o short 2>&1), expected v$v"
            kubelet --version | grep -q "v$v\$" || fail "kubelet reports $(kubelet --version 2>&1), expected v$v"
            held=$(apt-mark showhold)
            for p in kubelet kubeadm kubectl; do echo "$held" | grep -qx "$p" || fail "$p is not held"; done
            fi

            """;
    }

    private const string Haproxy = """
        if ! command -v haproxy >/dev/null 2>&1; then
          apt_update; apt-get install -y -q haproxy >/dev/null || fail "apt-get install haproxy failed"
        fi
        haproxy -v >/dev/null || fail "haproxy does not run"

        """;

    private const string Etcd = """
        if [ ! -x /usr/bin/etcd ] || ! command -v etcdctl >/dev/null 2>&1; then
          apt_update; apt-get install -y -q etcd-server etcd-client >/dev/null || fail "apt-get install etcd-server etcd-client failed"
        fi
        /usr/bin/etcd --version >/dev/null || fail "/usr/bin/etcd does not run"
        mkdir -p /var/lib/etcd && chmod 0700 /var/lib/etcd

        """;
}
