namespace HaKube.Model.Validation;

/// <summary>Where a manifest came from, which decides how the SSH key is found.</summary>
public enum ManifestMode
{
    /// <summary>A YAML file: ssh.privateKeyFile and ssh.knownHostsFile are paths next to it.</summary>
    File,

    /// <summary>A custom resource: the key comes from ssh.privateKeySecretRef.</summary>
    CustomResource,
}
