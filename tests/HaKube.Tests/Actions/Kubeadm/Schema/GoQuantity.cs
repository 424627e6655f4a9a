using System.Text.RegularExpressions;

namespace HaKube.Tests.Actions.Kubeadm.Schema;

/// <summary>
/// resource.ParseQuantity's grammar (quantity.go): a signed decimal number, then nothing, a
/// binary suffix (Ki..Ei), a decimal suffix (n, u, m, k, M..E) or an exponent (e/E and a signed integer).
/// </summary>
internal static partial class GoQuantity
{
    public static bool IsValid(string text) => Grammar().IsMatch(text);

    [GeneratedRegex(@"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();
}
