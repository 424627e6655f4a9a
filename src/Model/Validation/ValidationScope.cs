using HaKube.Model.Api;
using HaKube.Model.Loading;

namespace HaKube.Model.Validation;

internal sealed class ValidationScope(LoadedManifest manifest, ValidationOptions options)
{
    private readonly List<ManifestError> _errors = [];

    public HaCluster Cluster => manifest.Cluster;

    public HaClusterSpec Spec => manifest.Cluster.Spec;

    public ValidationOptions Options => options;

    public string File => manifest.Source.File;

    public IReadOnlyList<ManifestError> Errors => _errors;

    public void Error(string field, string message) => _errors.Add(manifest.Source.Error(field, message));

    public int HostIndex(string name)
    {
        for (var i = 0; i < Spec.Hosts.Count; i++)
        {
            if (Spec.Hosts[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
