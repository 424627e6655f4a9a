using System.Text;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Values;

namespace HaKube.Actions.Rendering;

/// <summary>
/// containerd's registry host configuration (docs/hosts.md, containerd 1.5 and later): for each
/// mirrored registry a folder under config_path named as the registry, holding hosts.toml — the
/// upstream as `server` and the mirror as a `[host."URL"]` that may pull and resolve, so containerd
/// tries the mirror first and falls back to the upstream — and, with a CA, ca.crt beside it, named
/// by `ca`. containerd reads these files on every pull: no restart.
/// </summary>
public static class RegistryHostsRenderer
{
    /// <summary>What containerd's config_path is set to when the spec has mirrors.</summary>
    public const string ConfigPath = KnownPaths.ContainerdCertsDirectory;

    public static string HostsTomlPath(string registry) => $"{ConfigPath}/{registry}/hosts.toml";

    public static string CaPath(string registry) => $"{ConfigPath}/{registry}/ca.crt";

    /// <summary>The upstream API containerd uses for a registry (Docker Hub's is not at docker.io).</summary>
    public static string Server(string registry) =>
        registry == "docker.io" ? "https://registry-1.docker.io" : $"https://{registry}";

    /// <summary>Every file for the spec's mirrors as (path, content); the CAs from <paramref name="content"/>.</summary>
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

    /// <summary>One registry's hosts.toml.</summary>
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
