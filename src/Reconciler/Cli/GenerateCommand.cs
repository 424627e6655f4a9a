using System.CommandLine;
using HaKube.Model.Schema;

namespace HaKube.Reconciler.Cli;

/// <summary><c>hakube generate crd</c>: print artefacts derived from the model.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var crd = new Command("crd", "Print the HaCluster CustomResourceDefinition derived from the model (crds/hakube.io_haclusters.yaml).");
        crd.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.Write(CrdGenerator.Render());
            return ExitCodes.Success;
        });
        return new Command("generate", "Print generated artefacts.") { crd };
    }
}
