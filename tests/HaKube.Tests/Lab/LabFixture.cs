namespace HaKube.Tests.Lab;

/// <summary>
/// Base of the lab test classes: <see cref="StartAsync"/> starts what the class needs and hands
/// each piece to <see cref="Own{T}"/>; the one-time tear-down stops them last first, also when the
/// set-up failed part-way (NUnit runs a level's tear-down once its set-up was called). A lab that
/// cannot start throws from the set-up, so every test fails with the reason: lab tests never skip.
/// </summary>
public abstract class LabFixture
{
    private readonly Stack<Func<ValueTask>> _stops = new();

    [OneTimeSetUp]
    public Task StartLabAsync() => StartAsync();

    /// <summary>Stops everything owned, last started first; one failing stop does not spare the others.</summary>
    [OneTimeTearDown]
    public async Task StopLabAsync()
    {
        var failures = new List<Exception>();
        while (_stops.TryPop(out var stop))
        {
            try
            {
                await stop();
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("stopping the lab fixture failed", failures);
        }
    }

    /// <summary>Starts the class's labs, folders and services, each handed to <see cref="Own{T}"/> once it runs.</summary>
    protected abstract Task StartAsync();

    /// <summary>Disposes <paramref name="started"/> (IAsyncDisposable or IDisposable) in the tear-down; returns it.</summary>
    protected T Own<T>(T started)
        where T : class
    {
        if (started is IAsyncDisposable asyncDisposable)
        {
            _stops.Push(asyncDisposable.DisposeAsync);
        }
        else if (started is IDisposable disposable)
        {
            _stops.Push(() =>
            {
                disposable.Dispose();
                return ValueTask.CompletedTask;
            });
        }
        else
        {
            throw new ArgumentException($"{typeof(T).Name} is not disposable: nothing to stop", nameof(started));
        }

        return started;
    }

    /// <summary>Runs <paramref name="stop"/> in the tear-down (a daemon loop to stop, say).</summary>
    protected void OnStop(Func<Task> stop)
    {
        ArgumentNullException.ThrowIfNull(stop);
        _stops.Push(async () => await stop());
    }

    /// <summary>A new temporary folder, deleted with its contents in the tear-down.</summary>
    protected string OwnTempFolder(string prefix)
    {
        var folder = Directory.CreateTempSubdirectory(prefix).FullName;
        OnStop(() =>
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            return Task.CompletedTask;
        });
        return folder;
    }
}
