using System.Text.RegularExpressions;

namespace HaKube.Model.Values;

/// <summary>
/// A kubeadm imageRepository: a <see cref="RegistryHost"/> and an optional OCI path. The first part must
/// be a registry (a dot, a port, or localhost), or containerd would read it as a Docker Hub user.
/// </summary>
internal sealed partial record ImageRepository
{
    public const string Pattern = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[1-9][0-9]{0,4})?(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*$";

    private ImageRepository(RegistryHost registry, string path)
    {
        Registry = registry;
        Path = path;
    }

    public RegistryHost Registry { get; }

    /// <summary>Without a leading slash; empty for none.</summary>
    public string Path { get; }

    public override string ToString() => Path.Length == 0 ? Registry.ToString() : $"{Registry}/{Path}";

    public static bool TryParse(string text, out ImageRepository? value, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        if (text.Contains("://", StringComparison.Ordinal))
        {
            problem = $"{Printable.Quote(text)} is not an image repository: it is written without a scheme (registry.example.com/k8s)";
            return false;
        }

        if (text.EndsWith('/'))
        {
            problem = $"{Printable.Quote(text)} is not in canonical form; expected {Printable.Quote(text.TrimEnd('/'))}";
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? text : text[..slash];
        var path = slash < 0 ? "" : text[(slash + 1)..];
        if (!first.Contains('.', StringComparison.Ordinal) && !first.Contains(':', StringComparison.Ordinal) && first != "localhost")
        {
            problem = $"{Printable.Quote(text)} does not start with a registry: {Printable.Quote(first)} would be read as a Docker Hub user; " +
                $"expected a registry host such as registry.example.com/{text}";
            return false;
        }

        if (!RegistryHost.TryParse(first, out var registry, out var registryProblem))
        {
            problem = registryProblem;
            return false;
        }

        if (path.Length > 0 && !path.Split('/').All(c => Component().IsMatch(c)))
        {
            problem = $"{Printable.Quote(text)} is not an image repository: each path component is lower-case letters and digits joined by '.', '_', '__' or '-', with no tag or digest";
            return false;
        }

        value = new ImageRepository(registry!, path);
        problem = "";
        return true;
    }

    [GeneratedRegex(@"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*\z")]
    private static partial Regex Component();
}
