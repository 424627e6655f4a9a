using System.Collections.Concurrent;
using System.ComponentModel;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace HaKube.Model.Schema;

/// <summary>
/// The fields of an API record as YAML and the CRD see them: camelCase names, whether each is
/// required (the C# <c>required</c> keyword) and its description. One source for the manifest
/// binder and the CRD schema, so the two cannot disagree.
/// </summary>
public static class ModelShape
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<ApiField>> Cache = new();

    /// <summary>The API fields of <paramref name="type"/>, in declaration order.</summary>
    public static IReadOnlyList<ApiField> FieldsOf(Type type) => Cache.GetOrAdd(type, Inspect);

    /// <summary>Whether <paramref name="type"/> is an API record (an object with fields) rather than a scalar or collection.</summary>
    public static bool IsRecord(Type type) =>
        type.IsClass && type != typeof(string) && !IsList(type, out _) && !IsStringMap(type);

    /// <summary>Whether <paramref name="type"/> is a read-only list, and of what.</summary>
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

    /// <summary>Whether <paramref name="type"/> is a map of strings to strings (labels, annotations).</summary>
    public static bool IsStringMap(Type type) => type == typeof(IReadOnlyDictionary<string, string>);

    /// <summary>The camelCase name a C# property has in YAML and JSON.</summary>
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

/// <summary>One field of an API record.</summary>
/// <param name="Name">camelCase name in YAML and JSON.</param>
/// <param name="Property">The C# property.</param>
/// <param name="Required">Must be present in a manifest.</param>
/// <param name="Nullable">May be absent with no default.</param>
/// <param name="Description">What the field means, for errors and the CRD.</param>
public sealed record ApiField(string Name, PropertyInfo Property, bool Required, bool Nullable, string Description)
{
    public Type Type => System.Nullable.GetUnderlyingType(Property.PropertyType) ?? Property.PropertyType;
}
