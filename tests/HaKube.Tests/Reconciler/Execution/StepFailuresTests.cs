using HaKube.Actions.Steps;
using HaKube.Model.Planning;
using HaKube.Reconciler.Execution;

namespace HaKube.Tests.Reconciler.Execution;

public sealed class StepFailuresTests
{
    private static readonly StepFailedException Cp1 = new("cp1", StepKind.JoinControlPlane, "join", "exit 1", ["boom"]);
    private static readonly StepFailedException W1 = new("w1", StepKind.JoinWorker, "join", "exit 2", []);

    [Test]
    public void Messages_OneStepFailed_ItsMessage()
    {
        Assert.That(StepFailures.Messages(Cp1), Is.EqualTo(new[] { Cp1.Message }));
    }

    [Test]
    public void Messages_NestedAggregates_EveryFailedHostOnce()
    {
        var nested = new AggregateException(new AggregateException(Cp1), W1);

        Assert.That(StepFailures.Messages(nested), Is.EquivalentTo(new[] { Cp1.Message, W1.Message }));
    }

    [Test]
    public void Is_OtherException_False()
    {
        Assert.Multiple(() =>
        {
            Assert.That(StepFailures.Is(Cp1), Is.True);
            Assert.That(StepFailures.Is(new AggregateException(W1)), Is.True);
            Assert.That(StepFailures.Is(new InvalidOperationException("bug")), Is.False);
        });
    }
}
