using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// `kubeadm certs renew` does not renew kubelet.conf's embedded client certificate; kubeadm's
/// documented fix (the default since 1.17) points kubelet.conf at the kubelet's rotating
/// kubelet-client-current.pem. Where that file is missing or expired the embedded pair is stored
/// there first, as the kubelet would. The key moves on the host only; it never reaches HaKube.
/// </summary>
internal sealed class UseRotatingKubeletCertificateStep : IStep
{
    private const string Script = ShellSnippets.Prelude + $$"""
        kc={{KnownPaths.KubeletConf}}
        pem={{KnownPaths.KubeletClientCurrent}}
        if grep -q '^ *client-certificate-data:' "$kc"; then
          if ! openssl x509 -noout -checkend 0 -in "$pem" >/dev/null 2>&1; then
            dir=$(dirname "$pem")
            mkdir -p "$dir"
            new="$dir/kubelet-client-$(date -u +%Y-%m-%d-%H-%M-%S).pem"
            (
              umask 077
              sed -n 's/^ *client-certificate-data: *//p' "$kc" | head -n 1 | base64 -d > "$new.tmp"
              sed -n 's/^ *client-key-data: *//p' "$kc" | head -n 1 | base64 -d >> "$new.tmp"
            ) || fail "could not decode the client certificate embedded in $kc"
            openssl x509 -noout -in "$new.tmp" >/dev/null 2>&1 || fail "the client certificate embedded in $kc is not readable"
            mv -f "$new.tmp" "$new"
            ln -sfn "$new" "$pem"
          fi
          (
            umask 077
            sed -e "s|^\( *\)client-certificate-data:.*|\1client-certificate: $pem|" -e "s|^\( *\)client-key-data:.*|\1client-key: $pem|" "$kc" > "$kc.hakube"
          )
          chmod 0600 "$kc.hakube"
          mv -f "$kc.hakube" "$kc"
          systemctl restart kubelet || fail "systemctl restart kubelet failed"
        fi
        if grep -q '^ *client-certificate-data:' "$kc"; then fail "$kc still embeds a client certificate"; fi
        grep -q "^ *client-certificate: $pem\$" "$kc" || fail "$kc does not name $pem"
        n=0
        until systemctl is-active -q kubelet; do
          n=$((n + 1))
          [ "$n" -lt 60 ] || fail "the kubelet is not active 60 s after its restart"
          sleep 1
        done

        """;

    public StepKind Kind => StepKind.UseRotatingKubeletCertificate;

    public Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        return HostCommands.ForEachHostAsync(context, planStep.Hosts, (name, token) =>
            HostCommands.RunAsync(context, name, Kind, "point kubelet.conf at the rotating client certificate", Script, token), cancellationToken);
    }
}
