using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

/// <summary>A refusal's words, composed from its fields: plan, apply and status print them, so they are the product.</summary>
public sealed class RefusalTests
{
    [Test]
    public void ToString_StepOnAHost_NamesTheHostThenTheStep() =>
        Assert.That(new Refusal("cp1", StepKind.JoinControlPlane, RefusalCause.QuorumGuard, "not initialized, but ...").ToString(),
            Is.EqualTo("cp1: JoinControlPlane: not initialized, but ..."));

    [Test]
    public void ToString_NoStep_NamesTheHostOnly() =>
        Assert.That(new Refusal("w1", null, RefusalCause.HostUnreachable, "unreachable (Timeout)").ToString(), Is.EqualTo("w1: unreachable (Timeout)"));

    [Test]
    public void ToString_WholeCluster_IsTheDetailAlone() =>
        Assert.That(new Refusal(null, null, RefusalCause.Paused, "paused (spec.paused: true)").ToString(), Is.EqualTo("paused (spec.paused: true)"));

    [Test]
    public void Reason_StepOnAHost_IsTheStepAndDetailWithoutTheHost() =>
        Assert.That(new Refusal("lb1", StepKind.RemoveLoadBalancer, RefusalCause.WouldBreakCluster, "left the spec, but ...").Reason,
            Is.EqualTo("RemoveLoadBalancer: left the spec, but ..."));
}
