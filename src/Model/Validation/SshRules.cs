using HaKube.Model.Api;
using HaKube.Model.Values;

namespace HaKube.Model.Validation;

internal static class SshRules
{
    public static void Check(ValidationScope scope)
    {
        var ssh = scope.Spec.Ssh;
        if (!Syntax.IsUserName(ssh.User))
        {
            scope.Error("spec.ssh.user", $"{Printable.Quote(ssh.User)} is not a login name; expected lower-case letters, digits, '_' and '-'");
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

            // privateKeyFile is left unread here (a manifest may carry both, for either mode), but its grammar still holds.
            if (ssh.PrivateKeyFile is { } unused && !FilePath.TryParse(unused, out _, out var problem))
            {
                scope.Error("spec.ssh.privateKeyFile", problem);
            }

            return;
        }

        if (ssh.PrivateKeyFile is null)
        {
            scope.Error("spec.ssh", "no SSH key source; expected privateKeyFile: a path relative to the manifest");
            return;
        }

        CheckFile(scope, ssh.PrivateKeyFile, "spec.ssh.privateKeyFile", "private key", SshSpec.MaxPrivateKeyBytes);
    }

    private static void CheckHostKeySource(ValidationScope scope, SshSpec ssh)
    {
        if (scope.Options.Mode == ManifestMode.CustomResource && ssh.KnownHostsFile is not null)
        {
            // Never read in this mode: accepting it would let a manifest look verified while every unpinned host is refused.
            scope.Error("spec.ssh.knownHostsFile",
                "a custom resource has no files beside it, so knownHostsFile is never read; " +
                    "expected knownHostsSecretRef: {name, key} naming a Secret in the HaCluster's namespace, or a hostKey on every host");
        }

        if (scope.Options.Mode == ManifestMode.CustomResource && ssh.KnownHostsSecretRef is { } knownHosts)
        {
            CheckSecretRef(scope, knownHosts, "spec.ssh.knownHostsSecretRef");
            return;
        }

        if (ssh.KnownHostsFile is not null)
        {
            if (scope.Options.Mode == ManifestMode.File)
            {
                CheckFile(scope, ssh.KnownHostsFile, "spec.ssh.knownHostsFile", "known_hosts file", SshSpec.MaxKnownHostsBytes);
            }

            return;
        }

        // Host keys are always verified: with no known_hosts file every host needs a pinned key.
        for (var i = 0; i < scope.Spec.Hosts.Count; i++)
        {
            if (scope.Spec.Hosts[i].HostKey is null)
            {
                scope.Error($"spec.hosts[{i}]",
                    $"host {Printable.Quote(scope.Spec.Hosts[i].Name)} has no hostKey and spec.ssh.knownHostsFile is not set; " +
                        $"expected one of them, host keys are always verified{KnownHostsHint(scope)}");
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

    internal static void CheckSecretRef(ValidationScope scope, SecretKeyRef reference, string field)
    {
        if (!Syntax.IsDns1123Subdomain(reference.Name))
        {
            scope.Error(field + ".name", $"{Printable.Quote(reference.Name)} is not a Secret name; expected a DNS-1123 subdomain (lower-case letters, digits, '-' and '.')");
        }

        if (!Syntax.IsSecretDataKey(reference.Key))
        {
            scope.Error(field + ".key", $"{Printable.Quote(reference.Key)} is not a Secret data key; expected letters, digits, '-', '_' and '.'");
        }
    }

    private static void CheckBastion(ValidationScope scope, BastionSpec bastion)
    {
        if (!HostAddress.TryParse(bastion.Host, out _, out var hostProblem))
        {
            scope.Error("spec.ssh.bastion.host", hostProblem);
        }

        if (!Syntax.IsPort(bastion.Port))
        {
            scope.Error("spec.ssh.bastion.port", $"{bastion.Port} is not a port; expected 1 to 65535");
        }

        if (bastion.User is { } user && !Syntax.IsUserName(user))
        {
            scope.Error("spec.ssh.bastion.user", $"{Printable.Quote(user)} is not a login name");
        }

        if (bastion.HostKey is { } key && (SshHostKey.TryParse(key, out _, out var problem) ? SshHostKey.CanonicalProblem(key) : problem) is { } found)
        {
            scope.Error("spec.ssh.bastion.hostKey", found);
        }
    }

    internal static void CheckFile(ValidationScope scope, string text, string field, string what, long maxBytes)
    {
        if (!FilePath.TryParse(text, out var path, out var problem))
        {
            scope.Error(field, problem.StartsWith("empty path", StringComparison.Ordinal) ? $"empty path; expected the {what}'s path relative to the manifest" : problem);
            return;
        }

        if (scope.Options.Files?.Check(scope.File, path!.Value, maxBytes) is not { } found)
        {
            return;
        }

        var shown = Printable.Quote(path!.Value);
        scope.Error(field, found.Kind switch
        {
            ReferencedFileProblemKind.Missing => $"{what} {shown} not found (looked for {Printable.Escape(found.ResolvedPath)})",
            ReferencedFileProblemKind.OutsideAllowedFolders => $"{what} {shown} resolves to {Printable.Escape(found.ResolvedPath)}, " +
                $"outside the manifest's folder {Printable.Escape(found.Detail)}; expected a file inside it (or an operator's --allow-paths-outside DIR)",
            ReferencedFileProblemKind.NotARegularFile => $"{what} {shown} resolves to {Printable.Escape(found.ResolvedPath)}, which is not a regular file",
            ReferencedFileProblemKind.TooLarge => $"{what} {shown} is {found.Detail} bytes; expected at most {maxBytes}",
            _ => $"{what} {shown} cannot be read: {Printable.Escape(found.Detail)}",
        });
    }
}
