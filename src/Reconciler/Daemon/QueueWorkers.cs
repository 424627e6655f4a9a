namespace HaKube.Reconciler.Daemon;

/// <summary>
/// Runs <c>maxParallel</c> workers over a <see cref="WorkQueue"/>: at most that many keys are
/// worked on at once, never one key twice at once (the queue guarantees that).
/// </summary>
internal static class QueueWorkers
{
    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled and every running pass has returned.</summary>
    public static Task RunAsync(WorkQueue queue, int maxParallel, Func<string, CancellationToken, Task> process, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallel, 1);
        return Task.WhenAll(Enumerable.Range(0, maxParallel).Select(_ => Task.Run(() => WorkAsync(queue, process, cancellationToken), CancellationToken.None)));
    }

    private static async Task WorkAsync(WorkQueue queue, Func<string, CancellationToken, Task> process, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            string key;
            try
            {
                key = await queue.TakeAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                // The pass gets the stopping token: a pass cut short records where it stopped.
                await process(key, cancellationToken);
            }
            finally
            {
                queue.Done(key);
            }
        }
    }
}
