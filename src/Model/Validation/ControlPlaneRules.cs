using HaKube.Model.Api;
using HaKube.Model.Values;

namespace HaKube.Model.Validation;

internal static class ControlPlaneRules
{
    public static void Check(ValidationScope scope)
    {
        var spec = scope.Spec;
        var controlPlanes = spec.ControlPlanes();
        if (spec.Hosts.Count > 0 && controlPlanes.Count == 0)
        {
            scope.Error("spec.hosts", "no host has role ControlPlane; expected at least one (three for high availability)");
        }
        else if (controlPlanes.Count is > 0 and < 3 && !spec.AllowNonHighlyAvailable)
        {
            scope.Error("spec.hosts", $"{controlPlanes.Count} control plane(s) is not highly available; expected at least 3, or set spec.allowNonHighlyAvailable: true");
        }

        var endpoint = spec.ControlPlaneEndpoint;
        if (!HostAddress.TryParse(endpoint.Host, out _, out var problem))
        {
            scope.Error("spec.controlPlaneEndpoint.host", problem);
        }

        if (!Syntax.IsPort(endpoint.Port))
        {
            scope.Error("spec.controlPlaneEndpoint.port", $"{endpoint.Port} is not a port; expected 1 to 65535");
        }
    }
}
