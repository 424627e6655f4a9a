using System.Security.Cryptography;
using System.Text;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// A file HaKube keeps on a host, with its content: what steps upload and what
/// <see cref="DesiredStateBuilder"/> hashes for the planner. ToString never shows the content.
/// </summary>
/// <param name="Path">Absolute path on the host.</param>
/// <param name="Content">The exact bytes (UTF-8) to write; may be a key.</param>
/// <param name="Mode">Octal mode as chmod takes it ("0600").</param>
/// <param name="Owner">The step that writes it.</param>
public sealed record ManagedFile(string Path, string Content, string Mode, StepKind Owner)
{
    public byte[] Bytes => Encoding.UTF8.GetBytes(Content);

    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Bytes));

    /// <summary>The mode as stat -c %a prints it ("600"), which is what the probe reports.</summary>
    public string StatMode => Mode.TrimStart('0').PadLeft(3, '0');

    public DesiredFile ToDesired() => new(Path, Sha256, StatMode, Owner);

    public override string ToString() => $"{nameof(ManagedFile)} {{ Path = {Path}, Mode = {Mode}, Owner = {Owner}, {Content.Length} chars withheld }}";
}
