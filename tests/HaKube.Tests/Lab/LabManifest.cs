namespace HaKube.Tests.Lab;

/// <summary>A manifest for lab hosts in a folder of its own, as a user keeps one.</summary>
internal static class LabManifest
{
    /// <summary>
    /// Writes FOLDER/cluster.yaml with the lab's client key and known_hosts copied to FOLDER/keys
    /// (the manifest names keys/id_ed25519 and keys/known_hosts); returns the manifest's path.
    /// </summary>
    public static async Task<string> WriteAsync(LabHosts lab, string folder, string manifest)
    {
        Directory.CreateDirectory(Path.Combine(folder, "keys"));
        File.Copy(lab.ClientKeyPath, Path.Combine(folder, "keys", "id_ed25519"), overwrite: true);
        File.Copy(lab.KnownHostsPath, Path.Combine(folder, "keys", "known_hosts"), overwrite: true);
        var path = Path.Combine(folder, "cluster.yaml");
        await File.WriteAllTextAsync(path, manifest);
        return path;
    }
}
