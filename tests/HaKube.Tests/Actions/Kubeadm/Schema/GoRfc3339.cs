using System.Globalization;
using System.Text.RegularExpressions;

namespace HaKube.Tests.Actions.Kubeadm.Schema;

/// <summary>
/// Go's time.Parse(time.RFC3339, s), as a check: meta/v1.Time decodes JSON strings with it.
/// Fractional seconds are optional; the offset is Z or ±hh:mm.
/// </summary>
internal static partial class GoRfc3339
{
    public static bool IsValid(string text)
    {
        var match = Layout().Match(text);
        if (!match.Success)
        {
            return false;
        }

        int Part(string name) => int.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture);
        var (year, month, day) = (Part("year"), Part("month"), Part("day"));
        var offsetValid = !match.Groups["offsetHour"].Success || Part("offsetHour") < 24 && Part("offsetMinute") < 60;
        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            && Part("hour") < 24 && Part("minute") < 60 && Part("second") < 60 && offsetValid;
    }

    [GeneratedRegex(@"^(?<year>[0-9]{4})-(?<month>[0-9]{2})-(?<day>[0-9]{2})T(?<hour>[0-9]{2}):(?<minute>[0-9]{2}):(?<second>[0-9]{2})([.,][0-9]+)?(Z|[+-](?<offsetHour>[0-9]{2}):(?<offsetMinute>[0-9]{2}))$", RegexOptions.CultureInvariant)]
    private static partial Regex Layout();
}
