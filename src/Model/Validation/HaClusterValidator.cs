using HaKube.Model.Loading;

namespace HaKube.Model.Validation;

/// <summary>
/// Reports every problem of a bound HaCluster at once, located in the manifest. Pure: the only
/// outside fact is <see cref="ValidationOptions.Files"/>.
/// </summary>
public static class HaClusterValidator
{
    public static IReadOnlyList<ManifestError> Validate(LoadedManifest manifest, ValidationOptions options)
    {
        var scope = new ValidationScope(manifest, options);
        MetadataRules.Check(scope);
        HostRules.Check(scope);
        ControlPlaneRules.Check(scope);
        EtcdRules.Check(scope);
        SnapshotRules.Check(scope);
        DrainRules.Check(scope);
        LoadBalancerRules.Check(scope);
        NetworkRules.Check(scope);
        CalicoRules.Check(scope);
        SshRules.Check(scope);
        ImageRules.Check(scope);
        PackageRules.Check(scope);
        ProxyRules.Check(scope);
        return scope.Errors
            .OrderBy(e => e.Line)
            .ThenBy(e => e.Column)
            .ToList();
    }

    public static ParseResult ParseAndValidate(string yaml, string file, ValidationOptions options)
    {
        var parsed = ManifestParser.Parse(yaml, file);
        var errors = parsed.Errors.ToList();
        var valid = new List<LoadedManifest>();
        foreach (var manifest in parsed.Manifests)
        {
            var problems = Validate(manifest, options);
            errors.AddRange(problems);
            if (problems.Count == 0)
            {
                valid.Add(manifest);
            }
        }

        return new ParseResult(valid, errors);
    }
}
