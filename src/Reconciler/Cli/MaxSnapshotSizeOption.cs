using System.CommandLine;
using HaKube.Actions.Snapshots;
using HaKube.Model.Values;

namespace HaKube.Reconciler.Cli;

/// <summary><c>--max-snapshot-size SIZE</c>: an etcd snapshot larger than this is not downloaded (default 8GiB).</summary>
internal static class MaxSnapshotSizeOption
{
    public static Option<string> Create() => new("--max-snapshot-size")
    {
        Description = "Do not download an etcd snapshot larger than this: bytes, or KiB, MiB, GiB, TiB (8GiB, 512MiB).",
        DefaultValueFactory = _ => "8GiB",
        HelpName = "SIZE",
    };

    /// <summary>The bound in bytes; a problem added when the text is not a size.</summary>
    public static long Bytes(ParseResult parse, Option<string> option, List<string> problems)
    {
        var text = parse.GetValue(option);
        if (ByteSize.TryParse(text, out var bytes) && bytes > 0)
        {
            return bytes;
        }

        problems.Add($"--max-snapshot-size: {Printable.Quote(text)}: expected a size such as 8GiB or 512MiB");
        return EtcdSnapshotter.DefaultMaxBytes;
    }
}
