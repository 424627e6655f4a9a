namespace HaKube.Actions.Kubeadm;

/// <summary>
/// A rendered kubeadm configuration file. Its text always holds a bootstrap token, so it is
/// sensitive: write it to the host with mode 0600 and delete it after kubeadm ran; never log it
/// or put it in status, plan output or exception messages. <see cref="ToString"/> describes the
/// file without its content, so interpolating this object into a log line is safe.
/// </summary>
public sealed class KubeadmConfigFile
{
    internal KubeadmConfigFile(KubeadmConfigKind kind, string nodeName, KubeadmApiVersion apiVersion, string sensitiveYaml)
    {
        Kind = kind;
        NodeName = nodeName;
        ApiVersion = apiVersion;
        SensitiveYaml = sensitiveYaml;
    }

    public KubeadmConfigKind Kind { get; }

    /// <summary>The host (and Kubernetes node) the file is for.</summary>
    public string NodeName { get; }

    public KubeadmApiVersion ApiVersion { get; }

    /// <summary>The multi-document YAML for <c>--config</c>. Contains the bootstrap token: never log it.</summary>
    public string SensitiveYaml { get; }

    public override string ToString() =>
        $"kubeadm {Kind} configuration for {NodeName} ({ApiVersion}, {SensitiveYaml.Length} characters; content withheld: it holds a bootstrap token)";
}
