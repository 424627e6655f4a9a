using System.Collections.Concurrent;

namespace HaKube.Actions.State;

/// <summary>Writes stay in memory, so `hakube plan` shows the steps apply would while the store stays as it was.</summary>
internal sealed class ReadOnlyStateBackend(IStateBackend inner) : IStateBackend
{
    private readonly IStateBackend _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    private readonly ConcurrentDictionary<string, string> _written = new(StringComparer.Ordinal);

    public string Location => _inner.Location;

    public async Task<string?> ReadAsync(string name, CancellationToken cancellationToken) =>
        _written.TryGetValue(name, out var content) ? content : await _inner.ReadAsync(name, cancellationToken);

    public Task WriteAsync(string name, string content, CancellationToken cancellationToken)
    {
        _written[name] = content;
        return Task.CompletedTask;
    }

    public async Task<bool> CreateOnceAsync(string name, string content, CancellationToken cancellationToken) =>
        !_written.ContainsKey(name) && await _inner.ReadAsync(name, cancellationToken) is null && _written.TryAdd(name, content);
}
