using HaKube.Model.Values;

namespace HaKube.Model.Loading;

/// <summary>
/// Printed like a compiler's: <c>file.yaml:12:5: spec.etcd.hosts: expected an odd number of hosts, got 2</c>.
/// Field is empty for the whole document.
/// </summary>
public sealed record ManifestError(string File, int Line, int Column, string Field, string Message)
{
    /// <summary>Control characters are escaped wherever they came from (file name, map key, value).</summary>
    public override string ToString() => Printable.Escape(
        Field.Length == 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}:{Line}:{Column}: {Field}: {Message}");
}
