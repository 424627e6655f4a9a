namespace HaKube.Actions.Kubeadm;

/// <summary>Holds a bootstrap token: write it 0600, delete it after kubeadm ran, never log it. ToString leaves the content out.</summary>
internal sealed class KubeadmConfigFile
{
    internal KubeadmConfigFile(KubeadmConfigKind kind, string nodeName, KubeadmApiVersion apiVersion, string sensitiveYaml)
    {
        Kind = kind;
        NodeName = nodeName;
        ApiVersion = apiVersion;
        SensitiveYaml = sensitiveYaml;
    }

    public KubeadmConfigKind Kind { get; }

    public string NodeName { get; }

    public KubeadmApiVersion ApiVersion { get; }

    /// <summary>Holds the bootstrap token: never log it.</summary>
    public string SensitiveYaml { get; }

    public override string ToString() =>
        $"kubeadm {Kind} configuration for {NodeName} ({ApiVersion}, {SensitiveYaml.Length} characters; content withheld: it holds a bootstrap token)";
}
