using System.Security.Cryptography;
using HaKube.Actions.Snapshots;
using HaKube.Actions.Ssh;

namespace HaKube.Tests.Actions.Snapshots;

/// <summary>
/// A member host as the snapshot code sees it, without SSH: the save script "writes" a snapshot of
/// <see cref="Content"/> into a private folder and reports it as the real script does; downloads
/// return what <see cref="Served"/> says (the content, unless a test corrupts it); removing the
/// folder is recorded. Scripts are kept so tests can count what ran.
/// </summary>
internal sealed class FakeSnapshotHost(string host) : IHostConnection
{
    public const string Folder = "/var/lib/etcd/hakube-etcd-snapshot.Ab12Cd";

    private readonly List<string> _scripts = [];

    public string Host => host;

    public byte[] Content { get; set; } = RandomNumberGenerator.GetBytes(4096);

    /// <summary>What a download returns; null: the content.</summary>
    public byte[]? Served { get; set; }

    /// <summary>When set, the save script fails with this stderr.</summary>
    public string? SaveError { get; set; }

    public bool FolderExists { get; private set; }

    public IReadOnlyList<string> Scripts => _scripts;

    public int Saves => _scripts.Count(s => s.Contains("snapshot save", StringComparison.Ordinal));

    public Task<CommandResult> RunAsync(string script, CommandOptions? options, CancellationToken cancellationToken)
    {
        _scripts.Add(script);
        if (script.Contains("snapshot save", StringComparison.Ordinal))
        {
            if (SaveError is { } error)
            {
                // The real script's trap removes the folder when anything fails.
                return Task.FromResult(new CommandResult(1, null, "", error, false));
            }

            FolderExists = true;
            var sha = Convert.ToHexStringLower(SHA256.HashData(Content));
            var output = $"dir={Folder}\nsize={Content.Length}\nsha256={sha}\nstatus={{\"hash\":123,\"revision\":42,\"totalKey\":7,\"totalSize\":{Content.Length}}}\n";
            return Task.FromResult(new CommandResult(0, null, output, "", false));
        }

        if (script == EtcdSnapshotScript.Remove(Folder))
        {
            FolderExists = false;
            return Task.FromResult(new CommandResult(0, null, "", "", false));
        }

        return Task.FromResult(new CommandResult(127, null, "", "unexpected script", false));
    }

    public Task UploadAsync(string path, ReadOnlyMemory<byte> content, RemoteFileOptions options, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("a snapshot uploads nothing");

    public Task<byte[]?> DownloadAsync(string path, CancellationToken cancellationToken) =>
        Task.FromResult(FolderExists && path == Folder + "/" + EtcdSnapshotScript.FileName ? Served ?? Content : null);
}
