using System.Security.Cryptography;
using System.Text;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>A file with its exact content, which may be a key: ToString never shows it. Owner is the step that writes it.</summary>
public sealed record ManagedFile(string Path, string Content, string Mode, StepKind Owner)
{
    public byte[] Bytes => Encoding.UTF8.GetBytes(Content);

    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Bytes));

    /// <summary>As stat -c %a prints it ("600"), which is what the probe reports.</summary>
    public string StatMode => Mode.TrimStart('0').PadLeft(3, '0');

    public DesiredFile ToDesired() => new(Path, Sha256, StatMode, Owner);

    public override string ToString() => $"{nameof(ManagedFile)} {{ Path = {Path}, Mode = {Mode}, Owner = {Owner}, {Content.Length} chars withheld }}";
}
