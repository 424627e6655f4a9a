using HaKube.Reconciler.Cli;
using HaKube.Reconciler.Kubernetes;
using k8s;

namespace HaKube.Tests.Reconciler.Kubernetes;

[TestFixture]
public sealed class CustomResourceModeTests
{
    private static readonly KubernetesClientConfiguration Config = new() { Host = "http://127.0.0.1:1/", Namespace = "from-kubeconfig" };

    [Test]
    public void Options_ChartEnvironment_PodNameNamespaceAndLeaseSettingsUsed()
    {
        var environment = new Dictionary<string, string>
        {
            ["POD_NAME"] = "hakube-7d9f-abcde",
            ["POD_NAMESPACE"] = "hakube-system",
            ["HAKUBE_LEADER_ELECTION_LEASE"] = "hakube-leader",
            ["HAKUBE_LEADER_ELECTION_LEASE_DURATION"] = "20s",
            ["HAKUBE_LEADER_ELECTION_RENEW_DEADLINE"] = "12s",
            ["HAKUBE_LEADER_ELECTION_RETRY_PERIOD"] = "3s",
        };
        var problems = new List<string>();

        var options = CustomResourceMode.Options(null, Config, environment.GetValueOrDefault, RunCommand.ParseDuration, problems);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(problems, Is.Empty);
            Assert.That(options.Identity, Is.EqualTo("hakube-7d9f-abcde"));
            Assert.That(options.Namespace, Is.EqualTo("hakube-system"));
            Assert.That(options.LeaseName, Is.EqualTo("hakube-leader"));
            Assert.That((options.LeaseDuration, options.RenewDeadline, options.RetryPeriod), Is.EqualTo((TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(3))));
        }
    }

    [Test]
    public void Options_NamespaceFlagAndNoPod_FlagWinsAndIdentitiesDiffer()
    {
        var problems = new List<string>();

        var first = CustomResourceMode.Options("flagged", Config, _ => null, RunCommand.ParseDuration, problems);
        var second = CustomResourceMode.Options(null, Config, _ => null, RunCommand.ParseDuration, problems);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Namespace, Is.EqualTo("flagged"));
            Assert.That(first.Identity, Is.Not.EqualTo(second.Identity), "two daemons outside a pod never share an identity");
            Assert.That(problems, Is.Empty);
        }
    }

    [Test]
    public void Options_RenewDeadlineNotBelowLeaseDuration_Problem()
    {
        var environment = new Dictionary<string, string> { ["HAKUBE_LEADER_ELECTION_LEASE_DURATION"] = "5s", ["HAKUBE_LEADER_ELECTION_RETRY_PERIOD"] = "later" };
        var problems = new List<string>();

        CustomResourceMode.Options(null, Config, environment.GetValueOrDefault, RunCommand.ParseDuration, problems);

        Assert.That(problems, Has.Some.Contains("HAKUBE_LEADER_ELECTION_RETRY_PERIOD: \"later\"").And.Some.Contains("expected lease duration"));
    }
}
