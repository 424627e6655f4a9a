using System.Text.RegularExpressions;

namespace HaKube.Actions.Ssh;

/// <summary>Upload and download scripts; inputs are validated before any quoting.</summary>
internal static partial class RemoteFiles
{
    /// <summary>A temporary file renamed over the target, chown before chmod (chown may clear mode bits); a failure leaves the target untouched.</summary>
    public static string UploadScript(string path, RemoteFileOptions options)
    {
        ValidatePath(path);
        if (!ModePattern().IsMatch(options.Mode))
        {
            throw new ArgumentException($"mode \"{options.Mode}\" is not octal permission bits such as 0644", nameof(options));
        }

        if (!OwnerPattern().IsMatch(options.Owner))
        {
            throw new ArgumentException($"owner \"{options.Owner}\" is not user or user:group", nameof(options));
        }

        var directory = ShellQuote.Quote(Directory(path));
        var template = ShellQuote.Quote(Directory(path).TrimEnd('/') + "/.hakube-upload.XXXXXX");
        return $"""
            set -eu
            umask 022
            mkdir -p -- {directory}
            t=$(mktemp {template})
            trap 'rm -f -- "$t"' EXIT
            cat > "$t"
            chown {ShellQuote.Quote(options.Owner)} "$t"
            chmod {options.Mode} "$t"
            mv -f -- "$t" {ShellQuote.Quote(path)}
            trap - EXIT
            """;
    }

    /// <summary>Exit <see cref="MissingExitStatus"/> (and nothing) when absent.</summary>
    public static string DownloadScript(string path)
    {
        ValidatePath(path);
        var quoted = ShellQuote.Quote(path);
        return $"[ -e {quoted} ] || exit 3\nexec cat -- {quoted}";
    }

    public const int MissingExitStatus = 3;

    /// <summary>Absolute, normalised, no control characters: managed paths never need more.</summary>
    public static void ValidatePath(string path)
    {
        if (!path.StartsWith('/') || path.EndsWith('/') || path.Any(char.IsControl) ||
            path.Split('/').Skip(1).Any(part => part is "" or "." or ".."))
        {
            throw new ArgumentException($"\"{path}\" is not an absolute normalised file path", nameof(path));
        }
    }

    private static string Directory(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash == 0 ? "/" : path[..slash];
    }

    [GeneratedRegex("^0?[0-7]{3}$|^[0-7]{4}$")]
    private static partial Regex ModePattern();

    [GeneratedRegex("^([a-z_][a-z0-9_.-]*|[0-9]+)(:([a-z_][a-z0-9_.-]*|[0-9]+))?$")]
    private static partial Regex OwnerPattern();
}
