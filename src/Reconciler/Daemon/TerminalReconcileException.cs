namespace HaKube.Reconciler.Daemon;

/// <summary>A reconcile failure that retrying cannot fix (the key file named by the manifest is missing): reported, not retried.</summary>
internal sealed class TerminalReconcileException : Exception
{
    public TerminalReconcileException()
    {
    }

    public TerminalReconcileException(string message)
        : base(message)
    {
    }

    public TerminalReconcileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
