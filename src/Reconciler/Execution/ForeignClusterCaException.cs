namespace HaKube.Reconciler.Execution;

/// <summary>
/// The hosts already run a cluster whose CA HaKube's state store does not hold. Not retried: a
/// person must point HaKube at the right store (or reset the hosts).
/// </summary>
internal sealed class ForeignClusterCaException(string message) : InvalidOperationException(message);
