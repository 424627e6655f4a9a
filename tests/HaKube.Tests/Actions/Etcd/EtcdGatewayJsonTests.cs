using System.Text.Json;
using HaKube.Actions.Etcd;

namespace HaKube.Tests.Actions.Etcd;

public sealed class EtcdGatewayJsonTests
{
    [Test]
    public void AddLearner_PeerUrlWithQuotes_IsEscapedJson()
    {
        var body = EtcdGatewayJson.AddLearner("https://10.0.0.11:2380\"}");

        using var document = JsonDocument.Parse(body);
        Assert.Multiple(() =>
        {
            Assert.That(document.RootElement.GetProperty("peerURLs")[0].GetString(), Is.EqualTo("https://10.0.0.11:2380\"}"));
            Assert.That(document.RootElement.GetProperty("isLearner").GetBoolean(), Is.True);
        });
    }

    [Test]
    public void Promote_Removal_MoveLeader_CarryTheIdAsADecimalString()
    {
        Assert.Multiple(() =>
        {
            Assert.That(EtcdGatewayJson.Promote(18249187646912138824), Is.EqualTo("{\"ID\":\"18249187646912138824\"}"));
            Assert.That(EtcdGatewayJson.Remove(1), Is.EqualTo("{\"ID\":\"1\"}"));
            Assert.That(EtcdGatewayJson.MoveLeader(255), Is.EqualTo("{\"targetID\":\"255\"}"));
        });
    }

    [Test]
    public void Members_GatewayAnswer_StringIdsAndLearners()
    {
        // As etcd 3.4.23's gateway answered a member add (checked against the real binary).
        const string Answer = """{"header":{"cluster_id":"4130418375536915774","member_id":"2650692692219140530","raft_term":"2"},"member":{"ID":"8509684054989183647","peerURLs":["http://127.14.99.2:23800"],"isLearner":true},"members":[{"ID":"2650692692219140530","name":"a","peerURLs":["http://127.14.99.1:23800"],"clientURLs":["http://127.14.99.1:23790"]},{"ID":"8509684054989183647","peerURLs":["http://127.14.99.2:23800"],"isLearner":true}]}""";

        var members = EtcdGatewayJson.Members(Answer);

        Assert.Multiple(() =>
        {
            Assert.That(members.Select(m => m.Id), Is.EqualTo(new[] { 2650692692219140530UL, 8509684054989183647UL }));
            Assert.That(members.Select(m => m.Name), Is.EqualTo(new[] { "a", "" }));
            Assert.That(members.Select(m => m.IsLearner), Is.EqualTo(new[] { false, true }));
            Assert.That(members[0].ClientUrls, Is.EqualTo(new[] { "http://127.14.99.1:23790" }));
        });
    }

    [Test]
    public void Members_EtcdctlJson_NumericIdsAreReadToo()
    {
        var members = EtcdGatewayJson.Members("""{"members":[{"ID":10276657743932975437,"name":"cp1","peerURLs":["https://10.0.0.7:2380"]}]}""");

        Assert.That(members.Single().Id, Is.EqualTo(10276657743932975437UL));
    }

    [Test]
    public void Status_ReadsTheMemberAndItsLeader()
    {
        const string Answer = """{"header":{"cluster_id":"4130418375536915774","member_id":"2650692692219140530","revision":"1","raft_term":"2"},"version":"3.4.23","dbSize":"20480","leader":"2650692692219140530","raftIndex":"5"}""";

        Assert.That(EtcdGatewayJson.Status(Answer), Is.EqualTo((2650692692219140530UL, 2650692692219140530UL)));
    }

    [TestCase("""{"health":"true"}""", true)]
    [TestCase("""{"health":"true","reason":""}""", true)]
    [TestCase("""{"health":true}""", true)]
    [TestCase("""{"health":"false","reason":"RAFT NO LEADER"}""", false)]
    [TestCase("curl: (7) Failed to connect", false)]
    public void Healthy_ReadsEveryShapeEtcdAnswersWith(string answer, bool healthy) =>
        Assert.That(EtcdGatewayJson.Healthy(answer), Is.EqualTo(healthy));

    [Test]
    public void ServerVersion_ReadsEtcdserver() =>
        Assert.That(EtcdGatewayJson.ServerVersion("""{"etcdserver":"3.5.16","etcdcluster":"3.5.0"}"""), Is.EqualTo("3.5.16"));

    [TestCase("""{"error":"etcdserver: member not found","message":"etcdserver: member not found","code":5}""", "etcdserver: member not found")]
    [TestCase("curl: Failed to connect\nmore", "curl: Failed to connect")]
    public void Error_GatewayMessageOrFirstLine(string answer, string said) =>
        Assert.That(EtcdGatewayJson.Error(answer), Is.EqualTo(said));
}
