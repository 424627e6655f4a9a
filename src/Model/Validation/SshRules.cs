using HaKube.Model.Api;

namespace HaKube.Model.Validation;

/// <summary>SSH access: user, port, key source, host-key verification, bastion.</summary>
internal static class SshRules
{
    public static void Check(ValidationScope scope)
    {
        var ssh = scope.Spec.Ssh;
        if (!Syntax.IsUserName(ssh.User))
        {
            scope.Error("spec.ssh.user", $"\"{ssh.User}\" is not a login name; expected lower-case letters, digits, '_' and '-'");
        }

        if (!Syntax.IsPort(ssh.Port))
        {
            scope.Error("spec.ssh.port", $"{ssh.Port} is not a port; expected 1 to 65535");
        }

        CheckKeySource(scope, ssh);
        CheckHostKeySource(scope, ssh);
        if (ssh.Bastion is { } bastion)
        {
            CheckBastion(scope, bastion);
        }
    }

    private static void CheckKeySource(ValidationScope scope, SshSpec ssh)
    {
        if (scope.Options.Mode == ManifestMode.CustomResource)
        {
            if (ssh.PrivateKeySecretRef is null)
            {
                scope.Error("spec.ssh", "no SSH key source; expected privateKeySecretRef: {name, key} naming a Secret in the HaCluster's namespace");
            }
            else
            {
                CheckSecretRef(scope, ssh.PrivateKeySecretRef, "spec.ssh.privateKeySecretRef");
            }

            return;
        }

        if (ssh.PrivateKeyFile is null)
        {
            scope.Error("spec.ssh", "no SSH key source; expected privateKeyFile: a path relative to the manifest");
            return;
        }

        CheckFileExists(scope, ssh.PrivateKeyFile, "spec.ssh.privateKeyFile", "private key");
    }

    private static void CheckHostKeySource(ValidationScope scope, SshSpec ssh)
    {
        if (scope.Options.Mode == ManifestMode.CustomResource && ssh.KnownHostsSecretRef is { } knownHosts)
        {
            CheckSecretRef(scope, knownHosts, "spec.ssh.knownHostsSecretRef");
            return;
        }

        if (ssh.KnownHostsFile is not null)
        {
            if (scope.Options.Mode == ManifestMode.File)
            {
                CheckFileExists(scope, ssh.KnownHostsFile, "spec.ssh.knownHostsFile", "known_hosts file");
            }

            return;
        }

        // Host keys are always verified: with no known_hosts file every host needs a pinned key.
        for (var i = 0; i < scope.Spec.Hosts.Count; i++)
        {
            if (scope.Spec.Hosts[i].HostKey is null)
            {
                scope.Error($"spec.hosts[{i}]", $"host \"{scope.Spec.Hosts[i].Name}\" has no hostKey and spec.ssh.knownHostsFile is not set; expected one of them, host keys are always verified{KnownHostsHint(scope)}");
            }
        }

        if (ssh.Bastion is { HostKey: null })
        {
            scope.Error("spec.ssh.bastion", $"the bastion has no hostKey and spec.ssh.knownHostsFile is not set; expected one of them, host keys are always verified{KnownHostsHint(scope)}");
        }
    }

    // A custom resource has no files beside it: there the known_hosts comes from a Secret.
    private static string KnownHostsHint(ValidationScope scope) =>
        scope.Options.Mode == ManifestMode.CustomResource ? " (or spec.ssh.knownHostsSecretRef: {name, key} naming a Secret in the HaCluster's namespace)" : "";

    private static void CheckSecretRef(ValidationScope scope, SecretKeyRef reference, string field)
    {
        if (!Syntax.IsDns1123Subdomain(reference.Name))
        {
            scope.Error(field + ".name", $"\"{reference.Name}\" is not a Secret name; expected a DNS-1123 subdomain (lower-case letters, digits, '-' and '.')");
        }

        if (!Syntax.IsSecretDataKey(reference.Key))
        {
            scope.Error(field + ".key", $"\"{reference.Key}\" is not a Secret data key; expected letters, digits, '-', '_' and '.'");
        }
    }

    private static void CheckBastion(ValidationScope scope, BastionSpec bastion)
    {
        if (!Syntax.IsHostAddress(bastion.Host))
        {
            scope.Error("spec.ssh.bastion.host", $"\"{bastion.Host}\" is not an IP address or host name");
        }

        if (!Syntax.IsPort(bastion.Port))
        {
            scope.Error("spec.ssh.bastion.port", $"{bastion.Port} is not a port; expected 1 to 65535");
        }

        if (bastion.User is { } user && !Syntax.IsUserName(user))
        {
            scope.Error("spec.ssh.bastion.user", $"\"{user}\" is not a login name");
        }

        if (bastion.HostKey is { } key && !SshHostKey.TryParse(key, out _, out var problem))
        {
            scope.Error("spec.ssh.bastion.hostKey", problem);
        }
    }

    private static void CheckFileExists(ValidationScope scope, string relativePath, string field, string what)
    {
        if (relativePath.Length == 0)
        {
            scope.Error(field, $"empty path; expected the {what}'s path relative to the manifest");
            return;
        }

        var full = Path.GetFullPath(Path.Combine(scope.ManifestDirectory, relativePath));
        if (scope.Options.FileExists is { } exists && !exists(full))
        {
            scope.Error(field, $"{what} \"{relativePath}\" not found (looked for {full})");
        }
    }
}
