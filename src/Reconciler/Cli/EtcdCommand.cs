using System.CommandLine;
using HaKube.Actions.Snapshots;
using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Model.Api;
using HaKube.Model.Loading;
using HaKube.Reconciler.Execution;
using HaKube.Reconciler.Snapshots;

namespace HaKube.Reconciler.Cli;

/// <summary>
/// <c>hakube etcd snapshot -f MANIFEST [--state-dir DIR] [--output FILE]</c>: probe the etcd member
/// hosts, pick a healthy member within a quorum, and keep a verified snapshot of it in the state
/// store (and at FILE when asked). Exit 0 when every cluster got one, 1 otherwise. Changes no host
/// beyond a temporary file that is removed again.
/// </summary>
internal static class EtcdCommand
{
    public static Command Create()
    {
        var file = new Option<string>("--file", "-f") { Description = "HaCluster manifest file or directory.", Required = true };
        var stateDir = new Option<string>("--state-dir") { Description = "State store root (one folder per cluster).", DefaultValueFactory = _ => ClusterStateStore.DefaultRoot };
        var output = new Option<string?>("--output", "-o") { Description = "Also copy the snapshot to this file (mode 0600); one cluster only." };
        var allow = AllowPathsOutsideOption.Create();
        var maxSize = MaxSnapshotSizeOption.Create();
        var snapshot = new Command(
            "snapshot",
            "Save an etcd snapshot from a healthy member into the state store (STATE/CLUSTER/snapshots), verified by size, sha256 and etcdctl snapshot status. " +
            "It holds every Secret of the cluster: keep it as such.")
        {
            file, stateDir, output, allow, maxSize,
        };
        snapshot.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var problems = new List<string>();
            var maxBytes = MaxSnapshotSizeOption.Bytes(parse, maxSize, problems);
            if (await CommandManifests.LoadAsync(parse, file, allow, problems, cancellationToken) is not var (loaded, allowed))
            {
                return ExitCodes.Failure;
            }

            var copyTo = parse.GetValue(output);
            if (copyTo is not null && loaded.Manifests.Count != 1)
            {
                await error.WriteLineAsync($"error: --output takes one cluster's snapshot; {parse.GetValue(file)} holds {loaded.Manifests.Count} clusters");
                return ExitCodes.Failure;
            }

            var failed = false;
            await using var pool = new SshConnectionPool();
            foreach (var manifest in loaded.Manifests)
            {
                try
                {
                    var taken = await SnapshotAsync(manifest, pool, parse.GetValue(stateDir)!, allowed, maxBytes, cancellationToken);
                    if (copyTo is not null)
                    {
                        await CopyPrivateAsync(taken.Stored.Path, copyTo, cancellationToken);
                    }

                    await parse.InvocationConfiguration.Output.WriteLineAsync(
                        $"{manifest.Cluster.Metadata.Name}: etcd snapshot from {taken.Host} kept at {taken.Stored.Path}" +
                        (copyTo is null ? "" : $" and {Path.GetFullPath(copyTo)}") +
                        $" ({taken.Stored.Size} bytes, sha256 {taken.Sha256}, revision {taken.Status.Revision}, {taken.Status.TotalKeys} keys)");
                }
                catch (Exception e) when (e is EtcdSnapshotException or InvalidOperationException or IOException or UnauthorizedAccessException)
                {
                    await error.WriteLineAsync($"error: {manifest.Cluster.Metadata.Name}: {e.Message}");
                    failed = true;
                }
            }

            return failed ? ExitCodes.Failure : ExitCodes.Success;
        });
        return new Command("etcd", "Work with the cluster's etcd.") { snapshot };
    }

    private static async Task<TakenSnapshot> SnapshotAsync(
        LoadedManifest manifest, SshConnectionPool pool, string stateRoot, IReadOnlyList<string> allowed, long maxBytes, CancellationToken cancellationToken)
    {
        var session = await SessionFactory.CreateAsync(manifest, pool, stateRoot, cancellationToken, allowPathsOutside: allowed);
        var spec = session.Cluster.Spec;
        var members = spec.EtcdMembers().Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        // Only the member hosts: the choice needs their etcd facts and nothing else.
        var facts = await session.Prober.ProbeAsync(session.Targets.Where(t => members.Contains(t.Name)), cancellationToken);
        var (host, reason) = SnapshotSource.Pick(spec, facts);
        if (host is null)
        {
            throw new EtcdSnapshotException($"no snapshot taken: {reason}");
        }

        var store = EtcdSnapshotStore.For(session.Store, stateRoot, session.Cluster.Metadata.Namespace, session.Cluster.Metadata.Name);
        return await new EtcdSnapshotter(session.Time) { MaxBytes = maxBytes }.TakeAsync(session.Connect(host.Name), host.Address, store, null, cancellationToken);
    }

    /// <summary>Copies the snapshot to a file readable by its owner only, replacing what was there.</summary>
    private static async Task CopyPrivateAsync(string from, string to, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = AtomicFile.PrivateFile;
        }

        // An existing file is narrowed before the first byte goes in (UnixCreateMode covers new files only).
        if (File.Exists(to) && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(to, AtomicFile.PrivateFile);
        }

        await using (var source = File.OpenRead(from))
        await using (var target = new FileStream(to, options))
        {
            await source.CopyToAsync(target, cancellationToken);
        }
    }
}
