using HaKube.Actions.Steps;
using HaKube.Reconciler.Cli;
using Microsoft.Extensions.Logging;

namespace HaKube.Tests.Reconciler.Cli;

public sealed class WarningWriterLoggerTests
{
    [Test]
    public void Log_StepWarning_OneLineOnTheWriter()
    {
        var writer = new StringWriter();

        MembershipLog.ResetSkipped(new WarningWriterLogger(writer), "cp-4");

        Assert.That(writer.ToString(), Is.EqualTo("warning: cp-4: unreachable in the last probe; kubeadm reset is skipped there (the host is gone)" + Environment.NewLine));
    }

    [Test]
    public void Log_Information_Dropped()
    {
        var writer = new StringWriter();

        MembershipLog.Forgotten(new WarningWriterLogger(writer), "cp-4");

        Assert.That(writer.ToString(), Is.Empty);
    }

    [Test]
    public void Log_Error_SaysError()
    {
        var writer = new StringWriter();

        new WarningWriterLogger(writer).Log(LogLevel.Error, new EventId(1), "broken", null, (s, _) => s);

        Assert.That(writer.ToString(), Does.StartWith("error: broken"));
    }
}
