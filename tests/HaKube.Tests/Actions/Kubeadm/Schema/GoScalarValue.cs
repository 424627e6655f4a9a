using System.Globalization;
using System.Numerics;

namespace HaKube.Tests.Actions.Kubeadm.Schema;

internal enum GoScalarKind
{
    Null,
    Bool,
    Int,
    Float,
    String,
    /// <summary>An explicit tag the text does not fit (go-yaml fails the document).</summary>
    Invalid,
}

/// <summary>A YAML scalar as go-yaml v2 resolves it, on its way to JSON.</summary>
internal sealed record GoScalarValue(GoScalarKind Kind, string Text, bool Bool = false, BigInteger Integer = default, double Float = 0, string? Error = null)
{
    public static GoScalarValue Null(string text) => new(GoScalarKind.Null, text);

    public static GoScalarValue String(string text) => new(GoScalarKind.String, text);

    public static GoScalarValue Invalid(string text, string error) => new(GoScalarKind.Invalid, text, Error: error);

    /// <summary>For messages: what the value became, so "1.30" reads as "the number 1.3".</summary>
    public string Describe() => Kind switch
    {
        GoScalarKind.Null => "null",
        GoScalarKind.Bool => $"the boolean {(Bool ? "true" : "false")} (YAML reads unquoted {Text} as a boolean)",
        GoScalarKind.Int => $"the integer {Integer.ToString(CultureInfo.InvariantCulture)}",
        GoScalarKind.Float => $"the number {Float.ToString("R", CultureInfo.InvariantCulture)}",
        GoScalarKind.String => $"the string \"{Text}\"",
        _ => Text,
    };

    /// <summary>
    /// The JSON text Go's encoding/json writes for this number: integers as they are, floats in
    /// plain notation when 1e-6 &lt;= |x| &lt; 1e21, else with an exponent. Decoding into a Go
    /// integer accepts only the plain integral form.
    /// </summary>
    public bool IsJsonInteger(out BigInteger value)
    {
        value = Integer;
        if (Kind == GoScalarKind.Int)
        {
            return true;
        }

        if (Kind == GoScalarKind.Float && double.IsFinite(Float) && Math.Floor(Float) == Float && Math.Abs(Float) < 1e21)
        {
            value = new BigInteger(Float);
            return true;
        }

        return false;
    }
}
