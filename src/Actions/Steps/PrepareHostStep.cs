using System.Text;
using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// Host prerequisites by role; each part does nothing when already true, then re-checks. A default
/// etcd member that Debian's etcd-server postinst started is removed first (it holds etcd's ports).
/// A kernel module that cannot be loaded is an error, since kubeadm and the pod network would fail
/// later and less clearly. Packages are installed only on a node not yet joined: on a joined one a
/// version change is the upgrade steps' work.
/// </summary>
internal sealed class PrepareHostStep : IStep
{
    public StepKind Kind => StepKind.PrepareHost;

    public Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        return HostCommands.ForEachHostAsync(context, planStep.Hosts, async (name, token) =>
        {
            var host = context.Host(name);
            await HostCommands.RunAsync(context, name, Kind, "prepare the host (" + Parts(context.Spec, host) + ")",
                Script(context.Spec, host, context.Material.Referenced), token, context.PackageTimeout);
        }, cancellationToken);
    }

    public static string Script(HaClusterSpec spec, HostSpec host, ReferencedContent referenced)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(host);
        var script = new StringBuilder(ShellSnippets.Prelude);
        script.Append(AptUpdate).Append(AptProxy(spec));
        var etcdHost = IsExternalEtcdHost(spec, host);
        if (host.Roles.Contains(HostRole.ControlPlane) || etcdHost)
        {
            script.Append(DefaultEtcdMember);
        }

        if (IsKubernetesNode(host))
        {
            script.Append(Tools(HostRequirements.NodeTools)).Append(Swap).Append(Modules).Append(Sysctl).Append(Repository(spec, referenced))
                .Append(ContainerdSources(spec, referenced)).Append(Containerd(spec)).Append(Packages(spec, ["kubelet", "kubeadm", "kubectl"], KubeletConfiguredTest));
        }
        else if (etcdHost)
        {
            script.Append(Tools(HostRequirements.EtcdHostTools)).Append(Swap).Append(Repository(spec, referenced))
                .Append(ContainerdSources(spec, referenced)).Append(Containerd(spec)).Append(Packages(spec, ["kubelet", "kubeadm"], EtcdMemberConfiguredTest));
        }

        if (host.Roles.Contains(HostRole.LoadBalancer) && spec.LoadBalancer.Provider == LoadBalancerProvider.HAProxy)
        {
            script.Append(Haproxy);
        }

        return script.ToString();
    }

    /// <summary>One apt-get update per script, the first time a package is needed.</summary>
    internal const string AptUpdate = "updated=\napt_update() { [ -n \"$updated\" ] || apt-get update -q >/dev/null || fail \"apt-get update failed\"; updated=1; }\n";

    private static bool IsKubernetesNode(HostSpec host) =>
        host.Roles.Contains(HostRole.ControlPlane) || host.Roles.Contains(HostRole.Worker);

    private static bool IsExternalEtcdHost(HaClusterSpec spec, HostSpec host) =>
        spec.Etcd.Topology == EtcdTopology.External && spec.Etcd.Hosts.Contains(host.Name);

    private static string Parts(HaClusterSpec spec, HostSpec host)
    {
        var parts = new List<string>();
        if (IsKubernetesNode(host))
        {
            parts.Add($"tools, swap, kernel modules, sysctls, containerd, Kubernetes packages {spec.Version().PackageVersion}");
        }
        else if (IsExternalEtcdHost(spec, host))
        {
            parts.Add($"tools, swap, containerd, kubelet and kubeadm {spec.Version().PackageVersion} for the etcd member's static pod");
        }

        if (host.Roles.Contains(HostRole.LoadBalancer))
        {
            parts.Add("haproxy and socat");
        }

        return string.Join("; ", parts);
    }

    // A member under HaKube's former unit (/etc/systemd/system/etcd.service) is not Debian's default:
    // MigrateEtcdMember moves it. Anything else running as etcd.service, or default data, is the
    // package's stray member; its data is moved aside, never deleted.
    private const string DefaultEtcdMember = """
        if [ ! -f /etc/systemd/system/etcd.service ] && { systemctl is-active -q etcd 2>/dev/null || [ -d /var/lib/etcd/default ]; }; then
          systemctl disable etcd >/dev/null 2>&1 || true
          systemctl stop etcd >/dev/null 2>&1 || true
          ! systemctl is-active -q etcd || fail "Debian's default etcd member (etcd.service) still runs after systemctl stop etcd"
          if [ -d /var/lib/etcd/default ]; then mv /var/lib/etcd/default "/var/lib/etcd/default.removed-$(date +%s)"; fi
        fi

        """;

    /// <summary>Missing programs (and the CA bundle) installed in one apt-get, then checked.</summary>
    private static string Tools(IReadOnlyList<(string Program, string Package)> tools)
    {
        var pairs = string.Join(' ', tools.Select(t => $"{t.Program}:{t.Package}"));
        return $$"""
            need=
            for t in {{pairs}}; do command -v "${t%%:*}" >/dev/null 2>&1 || need="$need ${t#*:}"; done
            [ -s {{HostPrerequisiteFiles.CaBundle}} ] || need="$need ca-certificates"
            if [ -n "$need" ]; then
              apt_update; apt-get install -y -q $need >/dev/null || fail "apt-get install$need failed"
            fi
            for t in {{pairs}}; do command -v "${t%%:*}" >/dev/null 2>&1 || fail "${t%%:*} is still missing after apt-get install ${t#*:}"; done
            [ -s {{HostPrerequisiteFiles.CaBundle}} ] || fail "{{HostPrerequisiteFiles.CaBundle}} is still missing after apt-get install ca-certificates"

            """;
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

    /// <summary>
    /// The package source of the spec's minor and its signing key; the upgrade steps switch minors with
    /// it too. A downloaded key goes to a file (no pipe, so curl's failure is seen) and must have the
    /// expected fingerprint; an earlier run's temporary files are removed so one failure never sticks.
    /// </summary>
    internal static string Repository(HaClusterSpec spec, ReferencedContent referenced)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(referenced);
        var minor = spec.Version().MinorTag;
        var source = PackageSource.AptSource(spec, minor);
        return $$"""
            {{ShellSnippets.ProxyExports(spec)}}{{ShellSnippets.WriteFileIfChanged(HostPrerequisiteFiles.AptSourcePath, source, "0644", "  updated=\n")}}            {{FingerprintFunction}}
            {{(spec.HasOwnPackageKey() ? GivenKey(spec, referenced) : DownloadedKey(spec, minor))}}
            """;
    }

    /// <summary>Shell <c>fpr_of FILE</c>: $fpr, the primary key's fingerprint (empty if none), from a throwaway keyring.</summary>
    internal const string FingerprintFunction =
        """fpr_of() { g=$(mktemp -d); fpr=$(GNUPGHOME=$g gpg --batch --with-colons --show-keys "$1" 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }') || fpr=; rm -rf "$g"; }""";

    private static string DownloadedKey(HaClusterSpec spec, string minor)
    {
        var key = spec.PackageRepositoryUrl(minor) + "Release.key";
        var k = HostPrerequisiteFiles.AptKeyringPath;
        var expected = PackageSource.Fingerprint(spec) ?? HostPrerequisiteFiles.SigningKeyFingerprint;
        return $$"""
            if [ ! -s {{k}} ]; then
              mkdir -p -m 0755 /etc/apt/keyrings
              rm -f {{k}}.asc {{k}}.tmp
              curl -fsSL --retry 3 --connect-timeout 10 --max-time 60 -o {{k}}.asc {{ShellQuote.Quote(key)}} \
                || { rm -f {{k}}.asc; fail "could not download the signing key {{key}}"; }
              fpr_of {{k}}.asc
              [ "$fpr" = {{expected}} ] \
                || { rm -f {{k}}.asc; fail "the key at {{key}} has fingerprint ${fpr:-none}, not the expected {{expected}}"; }
              gpg --batch --yes --dearmor -o {{k}}.tmp {{k}}.asc || { rm -f {{k}}.asc {{k}}.tmp; fail "gpg --dearmor of the signing key failed"; }
              chmod 0644 {{k}}.tmp && mv -f {{k}}.tmp {{k}} && rm -f {{k}}.asc
              updated=
            fi

            """;
    }

    private static string GivenKey(HaClusterSpec spec, ReferencedContent referenced)
    {
        var k = KnownPaths.AptKeyringArmored;
        var content = referenced.PackageKey ?? throw new ArgumentException("the package signing key was not loaded", nameof(referenced));
        var check = PackageSource.Fingerprint(spec) is { } expected
            ? $$"""
                fpr_of {{k}}.tmp
                [ "$fpr" = {{expected}} ] || { rm -f {{k}}.tmp; fail "the signing key of spec.packages has fingerprint ${fpr:-none}, not spec.packages.keyFingerprint {{expected}}"; }

                """
            : "";
        return $$"""
            mkdir -p -m 0755 /etc/apt/keyrings
            printf '%s' {{ShellQuote.Quote(content)}} > {{k}}.tmp
            {{check}}if cmp -s {{k}}.tmp {{k}}; then rm -f {{k}}.tmp; else chmod 0644 {{k}}.tmp && mv -f {{k}}.tmp {{k}}; updated=; fi

            """;
    }

    /// <summary>Before the first apt-get update; an earlier spec's proxy file is removed.</summary>
    internal static string AptProxy(HaClusterSpec spec) => ProxyRenderer.Apt(spec) is { } apt
        ? ShellSnippets.WriteFileIfChanged(ProxyRenderer.AptPath, apt, "0644") + "\n"
        : $"rm -f {ProxyRenderer.AptPath}\n";

    /// <summary>hosts.toml is read on every pull, but a changed drop-in needs a restart ($restart).</summary>
    private static string ContainerdSources(HaClusterSpec spec, ReferencedContent referenced)
    {
        var text = new StringBuilder("restart=\n");
        if (ProxyRenderer.ContainerdDropIn(spec) is { } dropIn)
        {
            text.Append(ShellSnippets.WriteFileIfChanged(ProxyRenderer.ContainerdDropInPath,
                dropIn, "0644", "  systemctl daemon-reload || fail \"systemctl daemon-reload failed\"; restart=1\n")).Append('\n');
        }
        else
        {
            text.Append($$"""
                if [ -e {{ProxyRenderer.ContainerdDropInPath}} ]; then rm -f {{ProxyRenderer.ContainerdDropInPath}}; systemctl daemon-reload || fail "systemctl daemon-reload failed"; restart=1; fi

                """);
        }

        foreach (var (path, content) in RegistryHostsRenderer.Files(spec, referenced))
        {
            text.Append(ShellSnippets.WriteFile(path, content, "0644"));
        }

        return text.ToString();
    }

    /// <summary>Edited on a copy of the package's configuration; containerd restarts only when the copy differs.</summary>
    private static string Containerd(HaClusterSpec spec)
    {
        var pause = ShellQuote.Quote(HostRequirements.PauseImage(spec));
        var configPath = spec.Images?.RegistryMirrors.Count > 0 ? ConfigPathEdit : "";
        return $$"""
            if ! command -v containerd >/dev/null 2>&1; then
              apt_update; apt-get install -y -q containerd >/dev/null || fail "apt-get install containerd failed"
            fi
            cfg={{HostPrerequisiteFiles.ContainerdConfigPath}}
            pause={{pause}}
            mkdir -p /etc/containerd
            if grep -Eq '^[[:space:]]*(SystemdCgroup|sandbox_image|sandbox)[[:space:]]*=' "$cfg" 2>/dev/null; then cp "$cfg" "$cfg.hakube-new"
            else containerd config default > "$cfg.hakube-new" || fail "containerd config default failed"; fi
            sed -i -E -e 's/^([[:space:]]*SystemdCgroup[[:space:]]*=[[:space:]]*)false/\1true/' \
              -e "s#^([[:space:]]*(sandbox_image|sandbox)[[:space:]]*=[[:space:]]*).*\$#\\1\"$pause\"#" "$cfg.hakube-new"
            grep -Eq '^[[:space:]]*SystemdCgroup[[:space:]]*=[[:space:]]*true' "$cfg.hakube-new" || fail "containerd's configuration has no SystemdCgroup option to set"
            grep -Eq "^[[:space:]]*(sandbox_image|sandbox)[[:space:]]*=[[:space:]]*\"$pause\"" "$cfg.hakube-new" || fail "containerd's configuration has no sandbox image to set to $pause"
            {{configPath}}if cmp -s "$cfg" "$cfg.hakube-new"; then rm -f "$cfg.hakube-new"; else mv -f "$cfg.hakube-new" "$cfg"; restart=1; fi
            systemctl enable containerd >/dev/null 2>&1 || true
            if [ -n "$restart" ] || ! systemctl is-active -q containerd; then systemctl restart containerd || fail "containerd did not restart"; fi
            n=0
            until systemctl is-active -q containerd && [ -S /run/containerd/containerd.sock ]; do
              n=$((n + 1)); [ "$n" -lt 50 ] || fail "containerd is not running with its CRI socket after 10 s"; sleep 0.2
            done

            """;
    }

    /// <summary>Every config_path line set: containerd 2 has one in its transfer service as well as in CRI.</summary>
    internal const string ConfigPathEdit = $$"""
        sed -i -E "s#^([[:space:]]*config_path[[:space:]]*=[[:space:]]*).*\$#\\1\"{{RegistryHostsRenderer.ConfigPath}}\"#" "$cfg.hakube-new"
        grep -Eq '^[[:space:]]*config_path[[:space:]]*=[[:space:]]*"{{RegistryHostsRenderer.ConfigPath}}"' "$cfg.hakube-new" ||
          fail "containerd's configuration has no registry config_path to set to {{RegistryHostsRenderer.ConfigPath}}"

        """;

    /// <summary>True where the Kubernetes packages are no longer PrepareHost's to change.</summary>
    private const string KubeletConfiguredTest = "[ -f " + KnownPaths.KubeletConf + " ]";

    private const string EtcdMemberConfiguredTest = "[ -f " + KnownPaths.EtcdManifest + " ] || [ -f " + KnownPaths.EtcdManifestRecord + " ]";

    private static string Packages(HaClusterSpec spec, IReadOnlyList<string> packages, string configured)
    {
        var version = spec.Version().PackageVersion;
        var v = ShellQuote.Quote(version);
        var names = string.Join(' ', packages);
        var pins = string.Join(' ', packages.Select(p => $"\"{p}=$v-*\""));
        return $$"""
            # crictl: HaKube reaches the etcd container with it; kubeadm 1.32+ no longer depends on cri-tools.
            if ! command -v crictl >/dev/null 2>&1; then
              apt_update; apt-get install -y -q cri-tools >/dev/null || fail "apt-get install cri-tools failed"
            fi
            if {{configured}}; then
              # Joined (or running an etcd member): its Kubernetes packages change only through an upgrade step.
              apt-mark hold {{names}} >/dev/null 2>&1 || true
            else
            v={{v}}
            need=
            {{ShellSnippets.PackagesNotAtVersion(names)}}
            if [ -n "$need" ]; then
              apt_update
              apt-mark unhold {{names}} >/dev/null 2>&1 || true
              apt-get install -y -q --allow-change-held-packages --allow-downgrades {{pins}} >/dev/null \
                || fail "apt-get install of {{string.Join(", ", packages)}} $v failed"
            fi
            apt-mark hold {{names}} >/dev/null || fail "apt-mark hold failed"
            systemctl enable kubelet >/dev/null 2>&1 || fail "systemctl enable kubelet failed"
            [ "$(kubeadm version -o short)" = "v$v" ] || fail "kubeadm reports $(kubeadm version -o short 2>&1), expected v$v"
            kubelet --version | grep -q "v$v\$" || fail "kubelet reports $(kubelet --version 2>&1), expected v$v"
            held=$(apt-mark showhold)
            for p in {{names}}; do echo "$held" | grep -qx "$p" || fail "$p is not held"; done
            fi
            command -v crictl >/dev/null 2>&1 || fail "crictl is still missing after apt-get install cri-tools"

            """;
    }

    private const string Haproxy = """
        if ! command -v haproxy >/dev/null 2>&1 || ! command -v socat >/dev/null 2>&1; then
          apt_update; apt-get install -y -q haproxy socat >/dev/null || fail "apt-get install haproxy socat failed"
        fi
        haproxy -v >/dev/null || fail "haproxy does not run"
        command -v socat >/dev/null 2>&1 || fail "socat is still missing after apt-get install socat"

        """;
}
