namespace HaKube.Model.Schema;

/// <summary>The OpenAPI format the API server checks a string field against (one it supports for CRDs, such as "cidr").</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FormatAttribute(string format) : Attribute
{
    public string Format { get; } = format;
}
