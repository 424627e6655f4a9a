namespace HaKube.Actions.Ssh;

public sealed record CommandOptions
{
    public static readonly CommandOptions Default = new();

    /// <summary>For logs and errors; the script itself is never logged.</summary>
    public string Name { get; init; } = "command";

    /// <summary>Null: <see cref="SshSettings.CommandTimeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Then EOF. Never logged.</summary>
    public ReadOnlyMemory<byte>? Stdin { get; init; }

    /// <summary>Per stream; null: <see cref="SshSettings.MaxCaptureBytes"/>.</summary>
    public int? MaxCaptureBytes { get; init; }
}

/// <summary>Octal Mode ("0644") and Owner ("user", "user:group" or numeric ids).</summary>
public sealed record RemoteFileOptions(string Mode = "0644", string Owner = "root:root")
{
    public static readonly RemoteFileOptions Public = new();

    /// <summary>Keys and other secrets.</summary>
    public static readonly RemoteFileOptions Private = new("0600");
}
