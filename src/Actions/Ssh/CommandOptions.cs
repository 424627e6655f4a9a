namespace HaKube.Actions.Ssh;

/// <summary>How to run one remote command.</summary>
public sealed record CommandOptions
{
    public static readonly CommandOptions Default = new();

    /// <summary>A short name for logs and errors ("probe", "kubeadm init"); the script itself is never logged.</summary>
    public string Name { get; init; } = "command";

    /// <summary>Null: <see cref="SshSettings.CommandTimeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Bytes written to the command's stdin, then EOF. Never logged, whatever they hold.</summary>
    public ReadOnlyMemory<byte>? Stdin { get; init; }

    /// <summary>Cap on captured stdout and on captured stderr; null: <see cref="SshSettings.MaxCaptureBytes"/>.</summary>
    public int? MaxCaptureBytes { get; init; }
}

/// <summary>Ownership and permissions of an uploaded file.</summary>
/// <param name="Mode">Octal permission bits, "0644".</param>
/// <param name="Owner">"user", "user:group", or numeric ids.</param>
public sealed record RemoteFileOptions(string Mode = "0644", string Owner = "root:root")
{
    public static readonly RemoteFileOptions Public = new();

    /// <summary>Keys and other secrets: readable by root only.</summary>
    public static readonly RemoteFileOptions Private = new("0600");
}
