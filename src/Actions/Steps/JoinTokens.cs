using System.Text.RegularExpressions;
using HaKube.Actions.Kubeadm;
using HaKube.Actions.Pki;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// A join's bootstrap token and CA pin. <c>kubeadm token create</c> prints the token, so it never
/// sits on a command line. A token lets any machine join, so it is deleted once its joins are over
/// (its 30 minute TTL bounds it when the delete cannot run).
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

    /// <summary>Best effort, by public id (no secret on the command line); a token left behind expires.</summary>
    public static async Task<bool> DeleteAsync(StepContext context, StepKind step, BootstrapToken token, string? controlPlane = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(token);
        if ((controlPlane ?? context.InitializedControlPlane()?.Name) is not { } source)
        {
            return false;
        }

        // Bounded on its own: it runs after the step, also when the step was cancelled.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var script = ShellSnippets.Prelude + $"kubeadm token delete {token.Id} --kubeconfig /etc/kubernetes/admin.conf\n";
        try
        {
            var result = await HostCommands.TryRunAsync(context, source, step, $"delete bootstrap token {token.Id}", script, deadline.Token);
            return result.Succeeded;
        }
        catch (Exception e) when (e is OperationCanceledException or StepFailedException)
        {
            return false;
        }
    }

    public static CaCertHash CaHash(StepContext context) =>
        CaCertHash.Parse(DiscoveryTokenCaCertHash.Compute(context.Material.Authorities.ClusterCa.CertificatePem));

    [GeneratedRegex("\\b[a-z0-9]{6}\\.[a-z0-9]{16}\\b")]
    private static partial Regex TokenPattern();
}
