namespace HaKube.Tests.Actions.Kubeadm.Schema;

/// <summary>
/// One field's type as extract.py wrote it from kubeadm's Go types: a JSON kind, plus the element
/// type of lists and maps, the struct a struct field refers to, and whether the Go field is a pointer.
/// </summary>
internal sealed record KubeadmSchemaType(
    string Kind,
    int Bits = 0,
    bool Signed = false,
    KubeadmSchemaType? Items = null,
    KubeadmSchemaType? Values = null,
    string? Ref = null,
    bool Pointer = false,
    string? GoType = null)
{
    public static IReadOnlySet<string> Kinds { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "string", "bool", "int", "float", "bytes", "any", "list", "map", "struct",
        "duration", "time", "quantity", "bootstrapToken", "durationOrNanoseconds",
    };

    /// <summary>For messages: "a list of objects (kubeadm/v1beta4.Arg)", "an integer (int32)".</summary>
    public string Describe() => Kind switch
    {
        "list" => $"a list of {Items!.DescribePlural()}",
        "map" => $"a map of {Values!.DescribePlural()}",
        "duration" => "a duration string such as \"4m0s\"",
        "time" => "an RFC 3339 time string",
        "quantity" => "a quantity such as \"100Mi\"",
        "bootstrapToken" => "a bootstrap token \"[a-z0-9]{6}.[a-z0-9]{16}\"",
        "durationOrNanoseconds" => "a duration string or an integer of nanoseconds",
        "any" => "any value",
        _ => $"{(Noun()[0] is 'a' or 'i' or 'o' ? "an" : "a")} {Noun()}{Detail()}",
    };

    private string DescribePlural() => Kind is "list" or "map" or "duration" or "time" or "quantity" or "bootstrapToken" or "durationOrNanoseconds" or "any"
        ? Describe()
        : $"{Noun()}s{Detail()}";

    private string Noun() => Kind switch
    {
        "bool" => "boolean",
        "int" => "integer",
        "float" => "number",
        "bytes" => "base64 string",
        "struct" => "object",
        _ => Kind,
    };

    private string Detail() => Kind switch
    {
        "int" => $" ({(Signed ? "" : "u")}int{Bits})",
        "struct" => $" ({Ref})",
        _ => GoType is null ? "" : $" ({GoType})",
    };
}
