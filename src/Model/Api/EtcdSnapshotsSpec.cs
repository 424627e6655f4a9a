using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using HaKube.Model.Schema;

namespace HaKube.Model.Api;

/// <summary>Scheduled etcd snapshots, taken by the daemon into the state store.</summary>
public sealed record EtcdSnapshotsSpec
{
    /// <summary>A snapshot a minute is already more than a backup needs.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(1);

    public const int MaximumKeep = 1000;

    [Description("How often the daemon takes a snapshot, as a duration: 30m, 6h, 1d, 1h30m (units s, m, h, d; at least 1m). The first one is taken as soon as etcd is healthy. Defaults to 6h.")]
    [RegularExpression(ApiPatterns.DurationText)]
    [StringLength(Duration.MaxLength, MinimumLength = Duration.MinLength)]
    public string Interval { get; init; } = "6h";

    [Description("How many snapshots to keep in the state store; older ones are deleted. Defaults to 7.")]
    [Range(1, MaximumKeep)]
    public int Keep { get; init; } = 7;
}
