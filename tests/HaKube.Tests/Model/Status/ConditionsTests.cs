using HaKube.Model.Status;
namespace HaKube.Tests.Model.Status;

[TestFixture]
public sealed class ConditionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(5);

    [Test]
    public void Set_SameStatusNewMessage_KeepsTransitionTimeTakesMessage()
    {
        var before = new[] { Conditions.Make(ConditionTypes.HostsReachable, ConditionStatus.False, ConditionReasons.HostsUnreachable, "w1", T0, 1) };

        var after = Conditions.Set(before, Conditions.Make(ConditionTypes.HostsReachable, ConditionStatus.False, ConditionReasons.HostsUnreachable, "w1, w2", T1, 1));

        Assert.Multiple(() =>
        {
            Assert.That(after.Single().LastTransitionTime, Is.EqualTo(T0));
            Assert.That(after.Single().Message, Is.EqualTo("w1, w2"));
        });
    }

    [Test]
    public void Set_StatusChanges_TransitionTimeMoves()
    {
        var before = new[] { Conditions.Make(ConditionTypes.HostsReachable, ConditionStatus.False, ConditionReasons.HostsUnreachable, "w1", T0, 1) };

        var after = Conditions.Set(before, Conditions.Make(ConditionTypes.HostsReachable, ConditionStatus.True, ConditionReasons.AllHostsReachable, "", T1, 1));

        Assert.That(after.Single().LastTransitionTime, Is.EqualTo(T1));
    }

    [Test]
    public void Set_NewType_Appended()
    {
        var before = new[] { Conditions.Make(ConditionTypes.Ready, ConditionStatus.True, ConditionReasons.Converged, "", T0, 1) };

        var after = Conditions.Set(before, Conditions.Make(ConditionTypes.Paused, ConditionStatus.False, ConditionReasons.Active, "", T1, 1));

        Assert.That(after.Select(c => c.Type), Is.EqualTo(new[] { ConditionTypes.Ready, ConditionTypes.Paused }));
    }
}
