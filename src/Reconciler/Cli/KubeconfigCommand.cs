using System.CommandLine;
using HaKube.Actions.State;

namespace HaKube.Reconciler.Cli;

/// <summary><c>hakube kubeconfig NAME [--state-dir DIR]</c>: print the cluster's admin kubeconfig (server: the control-plane endpoint).</summary>
internal static class KubeconfigCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "The cluster's metadata.name." };
        var stateDir = new Option<string>("--state-dir") { Description = "State store root (one folder per cluster).", DefaultValueFactory = _ => ClusterStateStore.DefaultRoot };
        var command = new Command("kubeconfig", "Print the cluster's admin kubeconfig from the state store; it holds a client key, so treat the output as a secret.") { name, stateDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var cluster = parse.GetValue(name)!;
            ClusterStateStore store;
            try
            {
                store = new ClusterStateStore(parse.GetValue(stateDir)!, cluster);
            }
            catch (ArgumentException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Failure;
            }

            var kubeconfig = await store.LoadAdminKubeconfigAsync(cancellationToken);
            if (kubeconfig is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"error: no admin kubeconfig for cluster \"{cluster}\" in {store.Directory}; run hakube apply first");
                return ExitCodes.Failure;
            }

            await parse.InvocationConfiguration.Output.WriteAsync(kubeconfig);
            return ExitCodes.Success;
        });
        return command;
    }
}
