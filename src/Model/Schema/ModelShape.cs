using System.Collections.Concurrent;
using System.ComponentModel;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace HaKube.Model.Schema;

/// <summary>
/// The fields of an API record as YAML and the CRD see them (required = the C# <c>required</c>
/// keyword): one source for the binder and the CRD schema, so the two cannot disagree.
/// </summary>
internal static class ModelShape
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<ApiField>> Cache = new();

    public static IReadOnlyList<ApiField> FieldsOf(Type type) => Cache.GetOrAdd(type, Inspect);

    public static bool IsRecord(Type type) =>
        type.IsClass && type != typeof(string) && !IsList(type, out _) && !IsStringMap(type);

    public static bool IsList(Type type, out Type element)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            element = type.GetGenericArguments()[0];
            return true;
        }

        element = typeof(object);
        return false;
    }

    public static bool IsStringMap(Type type) => type == typeof(IReadOnlyDictionary<string, string>);

    public static string ApiName(string propertyName) =>
        char.ToLowerInvariant(propertyName[0]) + propertyName[1..];

    private static IReadOnlyList<ApiField> Inspect(Type type)
    {
        var nullability = new NullabilityInfoContext();
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .OrderBy(p => p.MetadataToken)
            .Select(p => new ApiField(
                ApiName(p.Name),
                p,
                p.GetCustomAttribute<RequiredMemberAttribute>() is not null,
                nullability.Create(p).WriteState == NullabilityState.Nullable,
                p.GetCustomAttribute<DescriptionAttribute>()?.Description ?? ""))
            .ToList();
    }
}

/// <summary>One field of an API record; Nullable means it may be absent with no default.</summary>
internal sealed record ApiField(string Name, PropertyInfo Property, bool Required, bool Nullable, string Description)
{
    public Type Type => System.Nullable.GetUnderlyingType(Property.PropertyType) ?? Property.PropertyType;
}
