using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Cli;

/// <summary>
/// The CLI's logger for steps: warnings and errors (a drain that timed out, a reset skipped on an
/// unreachable host) as one line each on standard error; the rest is dropped, since the progress
/// display already says what runs. Steps of a wave log from several threads, hence the lock.
/// </summary>
internal sealed class WarningWriterLogger(TextWriter writer) : ILogger
{
    private readonly Lock _gate = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Warning and < LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var line = (logLevel >= LogLevel.Error ? "error: " : "warning: ") + formatter(state, exception);
        lock (_gate)
        {
            writer.WriteLine(line);
        }
    }
}
