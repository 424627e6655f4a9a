namespace HaKube.Model.Planning;

/// <summary>A file HaKube keeps on a host: where, the SHA-256 of its content, and its mode.</summary>
/// <param name="Path">Absolute path on the host.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the content HaKube would write.</param>
/// <param name="Mode">Octal permission bits as stat prints them ("600", "644").</param>
/// <param name="Owner">The step that writes the file, so a drifted file names the step that repairs it.</param>
public sealed record DesiredFile(string Path, string Sha256, string Mode, StepKind Owner);
