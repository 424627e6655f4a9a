using System.Text.Json.Nodes;
using HaKube.Model.Facts;

namespace HaKube.Tests.Model.Facts;

public sealed class NodeLabelOwnershipTests
{
    private static ClusterNode Node(Dictionary<string, string> labels, params string[] owned) => new("w1", labels, owned);

    [Test]
    public void Diff_JoinedWithTheSpecLabelsAndNoAnnotation_OnlyRecordsTheKeys()
    {
        var change = NodeLabelOwnership.Diff(Node(new() { ["zone"] = "a", ["kubernetes.io/os"] = "linux" }), new Dictionary<string, string> { ["zone"] = "a" });

        Assert.That(change, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(change!.Set, Is.Empty);
            Assert.That(change.Remove, Is.Empty);
            Assert.That(change.Owned, Is.EqualTo(new[] { "zone" }));
        });
    }

    [Test]
    public void Diff_InLine_IsNull()
    {
        Assert.That(NodeLabelOwnership.Diff(Node(new() { ["zone"] = "a", ["team"] = "x" }, "zone"), new Dictionary<string, string> { ["zone"] = "a" }), Is.Null);
        Assert.That(NodeLabelOwnership.Diff(Node(new() { ["team"] = "x" }), null), Is.Null);
    }

    [Test]
    public void Diff_ChangedAddedAndDropped_SetsChangesAndRemovesOnlyOwnedKeys()
    {
        var node = Node(new() { ["zone"] = "a", ["tier"] = "web", ["team"] = "x" }, "zone", "tier");

        var change = NodeLabelOwnership.Diff(node, new Dictionary<string, string> { ["zone"] = "b", ["disk"] = "ssd" })!;

        Assert.Multiple(() =>
        {
            Assert.That(change.Set, Is.EqualTo(new Dictionary<string, string> { ["disk"] = "ssd", ["zone"] = "b" }));
            Assert.That(change.Remove, Is.EqualTo(new[] { "tier" }), "team was set by someone else");
            Assert.That(change.Owned, Is.EqualTo(new[] { "disk", "zone" }));
        });
    }

    [Test]
    public void Diff_UserLabelWithASpecKey_IsOverwrittenAndOwned()
    {
        var change = NodeLabelOwnership.Diff(Node(new() { ["zone"] = "user" }), new Dictionary<string, string> { ["zone"] = "a" })!;

        Assert.That((change.Set["zone"], change.Owned), Is.EqualTo(("a", (IReadOnlyList<string>)["zone"])));
    }

    [Test]
    public void MergePatch_SetsRemovesAndAnnotates()
    {
        var patch = JsonNode.Parse(new NodeLabelChange("w1", new Dictionary<string, string> { ["zone"] = "b" }, ["tier"], ["zone"]).MergePatch())!;

        Assert.Multiple(() =>
        {
            Assert.That(patch["metadata"]!["labels"]!["zone"]!.GetValue<string>(), Is.EqualTo("b"));
            Assert.That(patch["metadata"]!["labels"]!.AsObject().ContainsKey("tier") && patch["metadata"]!["labels"]!["tier"] is null, Is.True, "null removes in a merge patch");
            Assert.That(patch["metadata"]!["annotations"]![NodeLabelOwnership.OwnerAnnotation]!.GetValue<string>(), Is.EqualTo("zone"));
        });
    }

    [Test]
    public void MergePatch_NothingOwnedAnymore_RemovesTheAnnotation()
    {
        var patch = JsonNode.Parse(new NodeLabelChange("w1", new Dictionary<string, string>(), ["tier"], []).MergePatch())!;

        var annotations = patch["metadata"]!["annotations"]!.AsObject();
        Assert.That(annotations.ContainsKey(NodeLabelOwnership.OwnerAnnotation) && annotations[NodeLabelOwnership.OwnerAnnotation] is null, Is.True);
    }

    [Test]
    public void ParseOwned_CommaSeparated_TrimsAndSkipsEmpty()
    {
        Assert.That(NodeLabelOwnership.ParseOwned(" a, example.com/b ,,"), Is.EqualTo(new[] { "a", "example.com/b" }));
        Assert.That(NodeLabelOwnership.ParseOwned(null), Is.Empty);
    }
}
