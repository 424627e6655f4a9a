using HaKube.Model.Api;

namespace HaKube.Model.Validation;

/// <summary>
/// An optional file with a Secret that may stand for it: the file in directory mode, read as the SSH
/// key is; the Secret for a custom resource, which has no files beside it, so a file there is
/// refused rather than silently ignored.
/// </summary>
internal static class ReferencedSourceRules
{
    public static void Check(ValidationScope scope, string? file, SecretKeyRef? secret, string field, string what, long maxBytes) =>
        Check(scope, file, secret, $"{field}File", $"{field}SecretRef", what, maxBytes);

    /// <summary>For field names other than FIELDFile and FIELDSecretRef.</summary>
    public static void Check(ValidationScope scope, string? file, SecretKeyRef? secret, string fileField, string secretField, string what, long maxBytes)
    {
        if (scope.Options.Mode == ManifestMode.CustomResource)
        {
            if (file is not null)
            {
                scope.Error(fileField,
                    $"a custom resource has no files beside it, so {LastName(fileField)} is never read; expected {LastName(secretField)}: {{name, key}} naming a Secret in the HaCluster's namespace");
            }

            if (secret is not null)
            {
                SshRules.CheckSecretRef(scope, secret, secretField);
            }

            return;
        }

        if (file is not null)
        {
            SshRules.CheckFile(scope, file, fileField, what, maxBytes);
        }

        if (secret is not null)
        {
            // Left unread in this mode (a manifest may carry both), but its grammar still holds.
            SshRules.CheckSecretRef(scope, secret, secretField);
        }
    }

    private static string LastName(string field) => field[(field.LastIndexOf('.') + 1)..];
}
