using HaKube.Model.Inventory;

namespace HaKube.Tests.Model.Inventory;

public sealed class PreviousMachineTests
{
    [Test]
    public void Key_NameAndOldAddress_NameAtAddress() =>
        Assert.That(new PreviousMachine("cp3", "10.0.0.12").Key, Is.EqualTo("cp3@10.0.0.12"));

    [Test]
    public void TryParse_AKey_TheMachineItNames()
    {
        var parsed = PreviousMachine.TryParse("cp3@10.0.0.12", out var machine);

        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.True);
            Assert.That(machine, Is.EqualTo(new PreviousMachine("cp3", "10.0.0.12")));
        });
    }

    [TestCase("cp3")]
    [TestCase("@10.0.0.12")]
    [TestCase("cp3@")]
    public void TryParse_AHostNameOrAHalfKey_False(string name) =>
        Assert.That(PreviousMachine.TryParse(name, out _), Is.False);

    [Test]
    public void New_EmptyAddress_Throws() =>
        Assert.That(() => new PreviousMachine("cp3", ""), Throws.ArgumentException);
}
