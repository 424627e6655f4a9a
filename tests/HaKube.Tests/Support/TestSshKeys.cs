using System.Diagnostics;
using HaKube.Actions.Ssh;

namespace HaKube.Tests.Support;

/// <summary>Fresh ed25519 client keys made by the real ssh-keygen (openssh-client), for tests that need a key but no host.</summary>
internal static class TestSshKeys
{
    /// <summary>A new private key in OpenSSH format; nothing is left on disk.</summary>
    public static async Task<byte[]> NewEd25519Async()
    {
        var folder = Directory.CreateTempSubdirectory("hakube-key-").FullName;
        try
        {
            var path = Path.Combine(folder, "id_ed25519");
            using var keygen = Process.Start(new ProcessStartInfo("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }) ?? throw new InvalidOperationException("ssh-keygen did not start");
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await keygen.WaitForExitAsync(limit.Token);
            Assert.That(keygen.ExitCode, Is.Zero, "ssh-keygen (openssh-client) is needed for this test");
            return await File.ReadAllBytesAsync(path);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A new key loaded as the client key sessions use.</summary>
    public static async Task<SshPrivateKey> NewClientKeyAsync() => SshPrivateKey.FromMemory(await NewEd25519Async(), "test key");
}
