using CsCheck;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

/// <summary>QuorumGuard.CheckRemove: by example, and as properties over random memberships.</summary>
public sealed class QuorumGuardRemoveTests
{
    /// <summary>Members 1..n (voters unless learner), the healthy ones, each on host hN.</summary>
    private static EtcdView View(int members, IEnumerable<int> healthy, IEnumerable<int>? learners = null)
    {
        var learnerSet = (learners ?? []).ToHashSet();
        var list = Enumerable.Range(1, members).Select(i => new EtcdMember((ulong)i, $"h{i}", [$"https://10.0.0.{i}:2380"], [], learnerSet.Contains(i))).ToList();
        var healthySet = healthy.Select(i => (ulong)i).ToHashSet();
        var hostOf = list.ToDictionary(m => m.Id, m => m.Name);
        return new EtcdView(list, healthySet.Count > 0, null, hostOf, healthySet, list.Select(m => m.Name).ToList());
    }

    private static int Majority(int voting) => (voting / 2) + 1;

    [Test]
    public void CheckRemove_HealthyVoterOfFiveHealthy_IsAllowed()
    {
        var decision = QuorumGuard.CheckRemove(View(5, [1, 2, 3, 4, 5]), 5);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Allowed, Is.True);
            Assert.That(decision.Reason, Does.Contain("4 of 4 voting members").And.Contain("(majority 3)"));
        });
    }

    [Test]
    public void CheckRemove_HealthyVoterWhileAnotherIsDown_IsRefused()
    {
        var decision = QuorumGuard.CheckRemove(View(3, [1, 2]), 2);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Allowed, Is.False);
            Assert.That(decision.Reason, Does.Contain("1 of 2 voting members").And.Contain("majority of 2"));
        });
    }

    [Test]
    public void CheckRemove_DeadVoterOfThree_IsAllowedSoThatItCanBeReplaced()
    {
        var decision = QuorumGuard.CheckRemove(View(3, [1, 2]), 3);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Allowed, Is.True);
            Assert.That(decision.Reason, Does.Contain("an unhealthy voter").And.Contain("leaves 2 of 2"));
        });
    }

    [Test]
    public void CheckRemove_QuorumLost_IsRefused() =>
        Assert.That(QuorumGuard.CheckRemove(View(3, [1]), 3).Allowed, Is.False);

    [Test]
    public void CheckRemove_TheOnlyMember_IsRefused() =>
        Assert.That(QuorumGuard.CheckRemove(View(1, [1]), 1).Reason, Does.Contain("only voting etcd member"));

    [Test]
    public void CheckRemove_UnknownMember_IsRefused() =>
        Assert.That(QuorumGuard.CheckRemove(View(3, [1, 2, 3]), 9).Allowed, Is.False);

    /// <summary>1 to 7 members, each healthy or not, about one in ten a learner, and the one to remove.</summary>
    private static readonly Gen<(int Members, int[] Healthy, int[] Learners, int Removed)> Views =
        Gen.Int[1, 7].SelectMany(n => Gen.Select(Gen.Bool.Array[n], Gen.Int[0, 9].Array[n], Gen.Int[1, n])
            .Select((healthy, learner, removed) => (
                n,
                Enumerable.Range(1, n).Where(i => healthy[i - 1]).ToArray(),
                Enumerable.Range(1, n).Where(i => learner[i - 1] == 0).ToArray(),
                removed)));

    [Test]
    public void CheckRemove_RandomViews_AllowedOnlyWhenTheSmallerMembershipKeepsAHealthyMajority() =>
        Views.Sample(v =>
        {
            var view = View(v.Members, v.Healthy, v.Learners);
            var decision = QuorumGuard.CheckRemove(view, (ulong)v.Removed);
            var after = view.Members.Where(m => m.Id != (ulong)v.Removed && !m.IsLearner).ToList();
            var healthyAfter = after.Count(m => view.HealthyMembers.Contains(m.Id));
            if (decision.Allowed)
            {
                Assert.That(after, Is.Not.Empty, decision.Reason);
                Assert.That(healthyAfter, Is.GreaterThanOrEqualTo(Majority(after.Count)), decision.Reason);
                Assert.That(view.HasQuorum, Is.True, decision.Reason);
            }
        }, iter: 2000);

    [Test]
    public void CheckRemove_RandomViewsWithQuorum_RemovingAnUnhealthyVoterIsAlwaysAllowed() =>
        Views.Sample(v =>
        {
            var view = View(v.Members, v.Healthy, v.Learners);
            var member = view.Members.Single(m => m.Id == (ulong)v.Removed);
            if (view.HasQuorum && !member.IsLearner && !view.HealthyMembers.Contains(member.Id))
            {
                Assert.That(QuorumGuard.CheckRemove(view, member.Id).Allowed, Is.True);
            }
        }, iter: 2000);
}
