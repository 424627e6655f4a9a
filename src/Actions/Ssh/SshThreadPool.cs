namespace HaKube.Actions.Ssh;

/// <summary>
/// SSH.NET blocks a thread-pool thread through each handshake (it waits for the key exchange and the
/// authentication inside ConnectAsync) and each channel opening. The pool starts with one thread per
/// core and, when they all block, adds about one every half second; a daemon connecting to hundreds
/// of hosts then connected a few at a time. 300 lab hosts on two cores: every first status in 20.6 s
/// with the default minimum, 18.6 and 18.8 s with enough threads (bench/fleet.sh's cold start).
/// </summary>
internal static class SshThreadPool
{
    /// <summary>Raises the pool's minimum so every host slot can block one thread and the cores still have theirs; never lowers it.</summary>
    public static void Reserve(int hostSlots)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hostSlots);
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        var wanted = hostSlots + Environment.ProcessorCount;
        if (workers < wanted)
        {
            ThreadPool.SetMinThreads(wanted, completionPorts);
        }
    }
}
