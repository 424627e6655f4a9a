namespace HaKube.Model.Validation;

public enum ManifestMode
{
    /// <summary>Key and known_hosts files are paths next to it.</summary>
    File,

    /// <summary>The key comes from ssh.privateKeySecretRef.</summary>
    CustomResource,
}
