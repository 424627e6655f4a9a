using HaKube.Model.Api;

namespace HaKube.Model.Validation;

internal static class DrainRules
{
    public static void Check(ValidationScope scope)
    {
        var text = scope.Spec.DrainTimeout;
        if (!Duration.TryParse(text, out var timeout, out var problem))
        {
            scope.Error("spec.drainTimeout", problem);
        }
        else if (timeout <= TimeSpan.Zero)
        {
            // kubectl drain reads --timeout=0s as "wait for ever", the opposite of a bound.
            scope.Error("spec.drainTimeout", $"{text} is not a bound; expected more than 0, such as 2m");
        }
        else if (timeout > HaClusterSpec.MaximumDrainTimeout)
        {
            scope.Error("spec.drainTimeout", $"{text} is longer than the maximum; expected at most 24h");
        }
    }
}
