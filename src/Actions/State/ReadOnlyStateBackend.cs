using System.Collections.Concurrent;

namespace HaKube.Actions.State;

/// <summary>
/// A state backend that never writes: reads go to the real backend, writes stay in memory for the
/// life of this object. `hakube plan` plans through it, so that planning against an empty store
/// (authorities not generated yet) or with a certificate due for reissue shows the same steps as
/// apply would, while the store stays exactly as it was. Items generated here are thrown away:
/// apply generates its own.
/// </summary>
public sealed class ReadOnlyStateBackend(IStateBackend inner) : IStateBackend
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
