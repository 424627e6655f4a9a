using System.Text.RegularExpressions;
using HaKube.Actions.Kubeadm;
using HaKube.Actions.Pki;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// What a join needs from the running cluster: a fresh short-lived bootstrap token, created by
/// <c>kubeadm token create</c> on an initialized control plane (it prints the token on stdout,
/// so it never sits on a command line), and the CA pin computed from the state store's CA.
/// </summary>
internal static partial class JoinTokens
{
    public static async Task<BootstrapToken> CreateAsync(StepContext context, StepKind step, string joiningHost, CancellationToken cancellationToken)
    {
        var source = context.InitializedControlPlane(except: joiningHost)
            ?? throw new StepFailedException(joiningHost, step, "create a bootstrap token for the join", "no initialized control plane",
                ["no reachable control plane with /etc/kubernetes/admin.conf was found in the last probe"]);
        var script = ShellSnippets.Prelude + "kubeadm token create --ttl 30m --description 'join by HaKube' --kubeconfig /etc/kubernetes/admin.conf\n";
        var result = await HostCommands.RunAsync(context, source.Name, step, $"create a bootstrap token for {joiningHost}", script, cancellationToken);
        var match = TokenPattern().Match(result.StdOut);
        return match.Success && BootstrapToken.TryParse(match.Value, out var token)
            ? token
            : throw new StepFailedException(source.Name, step, $"create a bootstrap token for {joiningHost}", "no token printed", ["kubeadm token create printed no token"]);
    }

    public static CaCertHash CaHash(StepContext context) =>
        CaCertHash.Parse(DiscoveryTokenCaCertHash.Compute(context.Material.Authorities.ClusterCa.CertificatePem));

    [GeneratedRegex("\\b[a-z0-9]{6}\\.[a-z0-9]{16}\\b")]
    private static partial Regex TokenPattern();
}
