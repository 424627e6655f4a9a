using HaKube.Actions.Kubeadm;
using HaKube.Actions.Ssh;
using HaKube.Model.Planning;
using HaKube.Model.Values;

namespace HaKube.Actions.Steps;

/// <summary>The configuration holds a bootstrap token: a 0600 file under /run, always removed, never on a command line.</summary>
internal static class KubeadmRun
{
    private const string Folder = "/run/hakube";

    public static async Task RunAsync(StepContext context, StepKind step, KubeadmConfigFile config, string arguments,
        string purpose, IReadOnlyList<string> secrets, CancellationToken cancellationToken)
    {
        var path = $"{Folder}/kubeadm-{config.Kind.ToString().ToLowerInvariant()}.yaml";
        var host = config.NodeName;
        await HostCommands.UploadAsync(context, host, step, new ManagedFile(path, config.SensitiveYaml, "0600", step), cancellationToken);
        var script = ShellSnippets.Prelude + $"""
            trap 'rm -f {ShellQuote.Quote(path)}' EXIT
            kubeadm {arguments} --config {ShellQuote.Quote(path)} >/dev/null

            """;
        await HostCommands.RunAsync(context, host, step, purpose, script, cancellationToken, context.KubeadmTimeout, secrets);
    }

    /// <summary>Bounded wait for /readyz through the host's admin.conf.</summary>
    public static string WaitApiServerReady(string address, int seconds) => $$"""
        n=0
        until kubectl --kubeconfig /etc/kubernetes/admin.conf --server {{ShellQuote.Quote(UrlHost.Https(address, 6443))}} --request-timeout=5s get --raw /readyz >/dev/null 2>&1; do
          n=$((n + 1))
          if [ "$n" -ge {{seconds}} ]; then
            kubectl --kubeconfig /etc/kubernetes/admin.conf --server {{ShellQuote.Quote(UrlHost.Https(address, 6443))}} --request-timeout=5s get --raw /readyz >&2 || true
            fail "the API server on {{UrlHost.For(address)}}:6443 is not ready after {{seconds}} s"
          fi
          sleep 1
        done

        """;
}
