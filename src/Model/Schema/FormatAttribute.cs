namespace HaKube.Model.Schema;

/// <summary>An OpenAPI format the API server checks for CRDs, such as "cidr".</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class FormatAttribute(string format) : Attribute
{
    public string Format { get; } = format;
}
