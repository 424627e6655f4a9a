using HaKube.Reconciler.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace HaKube.Tests.Reconciler.Telemetry;

public sealed class EscapingTextFormatterTests
{
    [Test]
    public void Write_MessageWithNewlineAndEscapeSequence_OneLineWithThemEscaped()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 14, 5, 9, TimeSpan.Zero));
        var writer = new StringWriter();
        var entry = new LogEntry<string>(LogLevel.Warning, "HaKube.Daemon", new EventId(4201), "cluster evil\n2026-11-29T14:05:10.000Z info: forged \u001b[31mred", null, (s, _) => s);

        new EscapingTextFormatter(time).Write(entry, null, writer);

        Assert.That(writer.ToString(), Is.EqualTo("2026-11-29T14:05:09.000Z warn: HaKube.Daemon[4201] cluster evil\\n2026-11-29T14:05:10.000Z info: forged \\u001b[31mred\n"));
    }
}
