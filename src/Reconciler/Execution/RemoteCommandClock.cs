namespace HaKube.Reconciler.Execution;

/// <summary>
/// Wall time during which at least one remote command was running: the union of the commands'
/// intervals, not their sum, because commands on different hosts overlap. Thread-safe; apply
/// hands <see cref="Enter"/> to <see cref="HaKube.Actions.Ssh.RemoteCommandObserver"/>.
/// </summary>
internal sealed class RemoteCommandClock(TimeProvider time)
{
    private readonly Lock _gate = new();
    private int _running;
    private int _commands;
    private long _busySince;
    private long _busyTicks;

    /// <summary>Commands entered so far.</summary>
    public int Commands
    {
        get
        {
            lock (_gate)
            {
                return _commands;
            }
        }
    }

    /// <summary>Time with at least one command running, up to now (a running command counts until now).</summary>
    public TimeSpan Busy
    {
        get
        {
            lock (_gate)
            {
                var ticks = _busyTicks + (_running > 0 ? time.GetTimestamp() - _busySince : 0);
                return TimeSpan.FromSeconds((double)ticks / time.TimestampFrequency);
            }
        }
    }

    /// <summary>One command starts; disposing the result ends it (a second dispose does nothing).</summary>
    public IDisposable Enter()
    {
        lock (_gate)
        {
            if (_running++ == 0)
            {
                _busySince = time.GetTimestamp();
            }

            _commands++;
        }

        return new Running(this);
    }

    private void Leave()
    {
        lock (_gate)
        {
            if (--_running == 0)
            {
                _busyTicks += time.GetTimestamp() - _busySince;
            }
        }
    }

    private sealed class Running(RemoteCommandClock clock) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                clock.Leave();
            }
        }
    }
}
