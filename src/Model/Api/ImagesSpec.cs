using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using HaKube.Model.Schema;

namespace HaKube.Model.Api;

/// <summary>Where the hosts' container runtime pulls images from.</summary>
public sealed record ImagesSpec
{
    /// <summary>A CA bundle of a few certificates; anything larger is not one.</summary>
    public const long MaxCaBytes = 1024 * 1024;

    public const string DefaultRepository = "registry.k8s.io";

    [Description("Where the control-plane images (kube-apiserver, etcd, coredns, ...) and the pause image are pulled from, " +
        "as kubeadm's imageRepository: registry[:port][/path], no scheme (registry.example.com/k8s). " +
        "It must serve registry.k8s.io's images under the same names and tags. Defaults to registry.k8s.io.")]
    [RegularExpression(ApiPatterns.ImageRepository)]
    [StringLength(255, MinimumLength = 1)]
    public string? Repository { get; init; }

    [Description("Mirrors containerd pulls through, one per upstream registry, written as /etc/containerd/certs.d/REGISTRY/hosts.toml on every Kubernetes node and external etcd host.")]
    public IReadOnlyList<RegistryMirror> RegistryMirrors { get; init; } = [];
}

/// <summary>One upstream registry and the mirror containerd tries first.</summary>
public sealed record RegistryMirror
{
    [Description("The upstream registry as containerd names it: docker.io, registry.k8s.io, quay.io, host:port.")]
    [RegularExpression(ApiPatterns.Registry)]
    [StringLength(259, MinimumLength = 1)]
    public required string Registry { get; init; }

    [Description("The mirror's URL: http or https, host[:port][/path], no credentials, no query.")]
    [RegularExpression(ApiPatterns.Url)]
    [StringLength(2048, MinimumLength = 1)]
    public required string Url { get; init; }

    [Description("Directory mode: a PEM file of the CA that signed the mirror's certificate, relative to the manifest (inside its folder, or a folder given with --allow-paths-outside). " +
        "Refused in custom-resource mode (use caSecretRef).")]
    [RegularExpression(ApiPatterns.Path)]
    [StringLength(HaKube.Model.Values.FilePath.MaxLength, MinimumLength = 1)]
    public string? CaFile { get; init; }

    [Description("Custom-resource mode: the Secret key holding the mirror's CA (PEM).")]
    public SecretKeyRef? CaSecretRef { get; init; }
}
