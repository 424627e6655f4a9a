using System.CommandLine;

namespace HaKube.Reconciler.Cli;

/// <summary>The <c>hakube</c> command tree.</summary>
internal static class HakubeCommand
{
    public static RootCommand Create() =>
        new("HaKube builds and keeps highly available Kubernetes clusters on hosts it reaches over SSH.")
        {
            ValidateCommand.Create(),
            ProbeCommand.Create(),
            PlanCommand.Create(),
            ApplyCommand.Create(),
            KubeconfigCommand.Create(),
            EtcdCommand.Create(),
            RunCommand.Create(),
            StatusCommand.Create(),
            GenerateCommand.Create(),
        };
}
