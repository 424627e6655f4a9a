using System.Diagnostics;
using System.Text;
using HaKube.Model.Loading;

namespace HaKube.Tests.Model.Loading;

/// <summary>The budgets stop hostile YAML before YamlDotNet's recursion or the binder's alias walks are reached.</summary>
public sealed class YamlBudgetTests
{
    [Test]
    public void Parse_SixtyThousandNestedBrackets_LocatedErrorQuicklyAndTheProcessLives()
    {
        var yaml = "apiVersion: hakube.io/v1alpha1\nspec: " + new string('[', 60_000) + "\n";
        var watch = Stopwatch.StartNew();

        var result = ManifestParser.Parse(yaml, "deep.yaml");

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
        var error = result.Errors.Single();
        Assert.That(error.ToString(), Is.EqualTo($"deep.yaml:2:{7 + YamlBudget.MaxDepth - 1}: invalid YAML: nesting deeper than {YamlBudget.MaxDepth} levels; a HaCluster manifest needs fewer than 10"));
    }

    [Test]
    public void Parse_NestedFlowMappingsPastTheBudget_Refused()
    {
        var yaml = "a: " + string.Concat(Enumerable.Repeat("{b: ", 200)) + "1" + new string('}', 200) + "\n";

        var result = ManifestParser.Parse(yaml, "maps.yaml");

        Assert.That(result.Errors.Single().Message, Does.StartWith("invalid YAML: nesting deeper than"));
    }

    [Test]
    public void Parse_BillionLaughs_LocatedErrorQuickly()
    {
        var yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level < 10; level++)
        {
            yaml.Append($"{(char)('a' + level)}: &{(char)('a' + level)} [{string.Join(", ", Enumerable.Repeat("*" + (char)('a' + level - 1), 10))}]\n");
        }

        var watch = Stopwatch.StartNew();
        var result = ManifestParser.Parse(yaml.ToString(), "laughs.yaml");

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
        var error = result.Errors.Single();
        Assert.That(error.Message, Does.StartWith($"invalid YAML: more than {YamlBudget.MaxNodes} nodes, counting each alias"));
        Assert.That(error.Line, Is.EqualTo(5), "the alias that first crossed the budget: level e expands to 11,111 nodes, so the fifth of its aliases in f crosses 50,000");
    }

    [Test]
    public void Check_AliasesWithinBudget_Allowed()
    {
        var yaml = "base: &labels {zone: a, rack: r1}\nh1: *labels\nh2: *labels\n";

        Assert.That(YamlBudget.Check(yaml, "ok.yaml"), Is.Null);
    }

    [Test]
    public void Check_BudgetCountsTheWholeTextAcrossDocuments()
    {
        var document = "list: [" + string.Join(", ", Enumerable.Repeat("x", 20_000)) + "]\n";
        var yaml = string.Join("---\n", Enumerable.Repeat(document, 3));

        var error = YamlBudget.Check(yaml, "many.yaml");

        Assert.That(error, Is.Not.Null);
        Assert.That(error!.Line, Is.EqualTo(5), "the third document crosses the budget");
    }

    [Test]
    public void Check_NotYaml_LeftToTheLoader()
    {
        Assert.That(YamlBudget.Check("a: [b\n", "broken.yaml"), Is.Null);
        Assert.That(ManifestParser.Parse("a: [b\n", "broken.yaml").Errors.Single().Message, Does.StartWith("invalid YAML"));
    }
}
