using System.Text;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Values;

namespace HaKube.Actions.Rendering;

/// <summary>containerd's hosts.toml per mirrored registry, mirror first; read on every pull, so no restart.</summary>
internal static class RegistryHostsRenderer
{
    public const string ConfigPath = KnownPaths.ContainerdCertsDirectory;

    public static string HostsTomlPath(string registry) => $"{ConfigPath}/{registry}/hosts.toml";

    public static string CaPath(string registry) => $"{ConfigPath}/{registry}/ca.crt";

    /// <summary>Docker Hub's API is not at docker.io.</summary>
    public static string Server(string registry) =>
        registry == "docker.io" ? "https://registry-1.docker.io" : $"https://{registry}";

    /// <exception cref="ArgumentException">A mirror with a CA whose content was not loaded.</exception>
    public static IReadOnlyList<(string Path, string Content)> Files(HaClusterSpec spec, ReferencedContent content)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(content);
        var files = new List<(string, string)>();
        foreach (var mirror in spec.Images?.RegistryMirrors ?? [])
        {
            var registry = RegistryHost.TryParse(mirror.Registry, out var parsed, out var problem) ? parsed!.ToString() : throw new ArgumentException(problem, nameof(spec));
            string? ca = null;
            if (mirror.CaFile is not null || mirror.CaSecretRef is not null)
            {
                ca = content.RegistryCas.TryGetValue(registry, out var pem) ? pem : throw new ArgumentException($"the CA of registry {registry} was not loaded", nameof(content));
                files.Add((CaPath(registry), pem));
            }

            files.Add((HostsTomlPath(registry), HostsToml(registry, HttpUrl.Parse(mirror.Url), ca is null ? null : CaPath(registry))));
        }

        return files;
    }

    public static string HostsToml(string registry, HttpUrl mirror, string? caPath)
    {
        ArgumentNullException.ThrowIfNull(mirror);
        var text = new StringBuilder()
            .Append("# Registry ").Append(Printable.Escape(registry)).Append(" through its mirror, written by HaKube.\n")
            .Append("server = ").Append(Toml.String(Server(registry))).Append('\n');
        if (caPath is not null && mirror.ToString().TrimEnd('/') == Server(registry))
        {
            // The "mirror" is the registry itself, named only to give containerd its CA: containerd
            // falls back to the server after the host, and without the CA there too a missing
            // image would read as a certificate error instead of "not found".
            text.Append("ca = ").Append(Toml.String(caPath)).Append('\n');
        }

        text.Append('\n')
            .Append("[host.").Append(Toml.String(mirror.ToString())).Append("]\n")
            .Append("  capabilities = [\"pull\", \"resolve\"]\n");
        if (caPath is not null)
        {
            text.Append("  ca = ").Append(Toml.String(caPath)).Append('\n');
        }

        return text.ToString();
    }
}
