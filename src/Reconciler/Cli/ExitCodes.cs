namespace HaKube.Reconciler.Cli;

/// <summary>The process exit codes of every hakube command.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;

    /// <summary>plan: changes are pending.</summary>
    public const int ChangesPending = 2;
}
