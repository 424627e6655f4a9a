using System.Text.Json;
using HaKube.Model.Planning;
using HaKube.Reconciler.Cli;

namespace HaKube.Tests.Reconciler.Cli;

public sealed class PlanOutputTests
{
    [Test]
    public void WriteTable_ConvergedWithUnmanagedNodes_NamesThem()
    {
        using var writer = new StringWriter();

        PlanOutput.WriteTable(writer, "demo", Plan.Empty with { UnmanagedNodes = ["byhand", "other"] });

        Assert.That(writer.ToString(), Does.Contain("demo: converged, nothing to do").And.Contain("unmanaged Nodes (no spec host, never set up by HaKube; left alone): byhand, other"));
    }

    [Test]
    public void WriteTable_NoUnmanagedNodes_SaysNothingAboutThem()
    {
        using var writer = new StringWriter();

        PlanOutput.WriteTable(writer, "demo", Plan.Empty with { UnmanagedNodes = [] });

        Assert.That(writer.ToString(), Does.Not.Contain("unmanaged"));
    }

    [Test]
    public void ToJson_UnmanagedNodes_Listed()
    {
        using var json = JsonDocument.Parse(PlanOutput.ToJson("demo", Plan.Empty with { UnmanagedNodes = ["byhand"] }));

        Assert.That(json.RootElement.GetProperty("unmanagedNodes")[0].GetString(), Is.EqualTo("byhand"));
    }

    [Test]
    public void ToJson_Refusal_CarriesHostStepCauseAndDetail()
    {
        var plan = new Plan([], [new Refusal("cp2", StepKind.JoinControlPlane, RefusalCause.QuorumGuard, "etcd would lose quorum")]);

        using var json = JsonDocument.Parse(PlanOutput.ToJson("demo", plan));

        var refusal = json.RootElement.GetProperty("refusals")[0];
        Assert.Multiple(() =>
        {
            Assert.That(refusal.GetProperty("host").GetString(), Is.EqualTo("cp2"));
            Assert.That(refusal.GetProperty("step").GetString(), Is.EqualTo("JoinControlPlane"));
            Assert.That(refusal.GetProperty("cause").GetString(), Is.EqualTo("QuorumGuard"));
            Assert.That(refusal.GetProperty("detail").GetString(), Is.EqualTo("etcd would lose quorum"));
            Assert.That(refusal.GetProperty("reason").GetString(), Is.EqualTo("JoinControlPlane: etcd would lose quorum"));
        });
    }
}
