using HaKube.Model.Validation;

namespace HaKube.Actions.Files;

/// <summary>A file was not read because of what <see cref="Problem"/> says.</summary>
public sealed class FileRefusedException(string path, ReferencedFileProblem problem, long maxBytes)
    : IOException(Describe(path, problem, maxBytes))
{
    public ReferencedFileProblem Problem { get; } = problem;

    private static string Describe(string path, ReferencedFileProblem problem, long maxBytes) => problem.Kind switch
    {
        ReferencedFileProblemKind.Missing => $"{path}: no such file",
        ReferencedFileProblemKind.OutsideAllowedFolders => $"{path} resolves to {problem.ResolvedPath}, outside {problem.Detail}",
        ReferencedFileProblemKind.NotARegularFile => $"{path} resolves to {problem.ResolvedPath}, which is not a regular file",
        ReferencedFileProblemKind.TooLarge => $"{path} is {problem.Detail} bytes; at most {maxBytes} are read",
        _ => $"{path}: cannot be read: {problem.Detail}",
    };
}
