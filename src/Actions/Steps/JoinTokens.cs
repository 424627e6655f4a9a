using System.Text.RegularExpressions;
using HaKube.Actions.Kubeadm;
using HaKube.Actions.Pki;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// What a join needs from the running cluster: a fresh short-lived bootstrap token, created by
/// <c>kubeadm token create</c> on an initialized control plane (it prints the token on stdout,
/// so it never sits on a command line), and the CA pin computed from the state store's CA. Once the
/// joins it was made for are over, the token is deleted: a join token is a credential that lets
/// any machine join the cluster, so it lives no longer than the step that needed it (its 30 minute
/// TTL bounds it when the delete cannot run, for example when the control plane went away).
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

    /// <summary>
    /// Deletes the token by its public id (kubeadm token delete needs no secret on its command line).
    /// Best effort: the joins already succeeded or failed on their own; a token left behind expires.
    /// </summary>
    /// <returns>Whether the delete ran; false is logged by the caller's host command and leaves the TTL to end the token.</returns>
    /// <param name="context">The step's context.</param>
    /// <param name="step">The step that used the token.</param>
    /// <param name="token">The token.</param>
    /// <param name="controlPlane">Where to run kubeadm; null for any control plane the last probe saw initialized.</param>
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
