using HaKube.Model.Values;

namespace HaKube.Model.Loading;

/// <summary>
/// One problem in a manifest, located the way compilers and linters report them:
/// <c>path/to/file.yaml:12:5: spec.etcd.hosts: expected an odd number of hosts, got 2</c>.
/// </summary>
/// <param name="File">The manifest's path as the user gave it.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Field">The field path, as in the API (<c>spec.hosts[2].address</c>); empty for the whole document.</param>
/// <param name="Message">What is wrong and what is expected.</param>
public sealed record ManifestError(string File, int Line, int Column, string Field, string Message)
{
    /// <summary>The compiler-style line, control characters escaped wherever they came from (a file name, a map key, a value).</summary>
    public override string ToString() => Printable.Escape(
        Field.Length == 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}:{Line}:{Column}: {Field}: {Message}");
}
