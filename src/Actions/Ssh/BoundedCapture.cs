using System.Buffers;
using System.Text;

namespace HaKube.Actions.Ssh;

/// <summary>Keeps the first <c>limit</c> bytes and counts the rest, so a runaway command cannot exhaust memory.</summary>
internal sealed class BoundedCapture(int limit, Stream? forwardTo = null)
{
    private readonly ArrayBufferWriter<byte> _kept = new();
    private readonly byte[] _buffer = new byte[16 * 1024];

    public long Total { get; private set; }

    /// <summary>Never for a forwarded stream, which received everything.</summary>
    public bool Truncated => forwardTo is null && Total > _kept.WrittenCount;

    /// <summary>SSH.NET's pipes block on an empty read until the command ends, so until then only buffered bytes are read.</summary>
    public void Drain(Stream stream, bool untilEnd)
    {
        while (untilEnd || stream.Length > 0)
        {
            var read = stream.Read(_buffer, 0, _buffer.Length);
            if (read == 0)
            {
                return;
            }

            Total += read;
            forwardTo?.Write(_buffer, 0, read);
            var room = Math.Min(read, limit - _kept.WrittenCount);
            if (room > 0)
            {
                _kept.Write(_buffer.AsSpan(0, room));
            }
        }
    }

    public byte[] ToArray() => _kept.WrittenSpan.ToArray();

    public string ToText() => Encoding.UTF8.GetString(_kept.WrittenSpan);
}
