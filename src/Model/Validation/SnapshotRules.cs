using HaKube.Model.Api;

namespace HaKube.Model.Validation;

internal static class SnapshotRules
{
    public static void Check(ValidationScope scope)
    {
        if (scope.Spec.Etcd.Snapshots is not { } snapshots)
        {
            return;
        }

        if (!Duration.TryParse(snapshots.Interval, out var interval, out var problem))
        {
            scope.Error("spec.etcd.snapshots.interval", problem);
        }
        else if (interval < EtcdSnapshotsSpec.MinimumInterval)
        {
            scope.Error("spec.etcd.snapshots.interval", $"{snapshots.Interval} is shorter than the minimum; expected at least 1m");
        }

        if (snapshots.Keep is < 1 or > EtcdSnapshotsSpec.MaximumKeep)
        {
            scope.Error("spec.etcd.snapshots.keep", $"{snapshots.Keep} is out of range; expected 1 to {EtcdSnapshotsSpec.MaximumKeep} snapshots");
        }
    }
}
