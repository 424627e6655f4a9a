using HaKube.Model.Api;
using HaKube.Model.Values;

namespace HaKube.Model.Validation;

internal static class ReferenceRules
{
    public static void CheckReferences(ValidationScope scope, IReadOnlyList<string> names, string path, HostRole role)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            var index = scope.HostIndex(name);
            if (!seen.Add(name))
            {
                scope.Error($"{path}[{i}]", $"host {Printable.Quote(name)} is listed twice");
            }
            else if (index < 0)
            {
                scope.Error($"{path}[{i}]", $"host {Printable.Quote(name)} is not declared in spec.hosts");
            }
            else if (!scope.Spec.Hosts[index].Roles.Contains(role))
            {
                scope.Error($"{path}[{i}]", $"host {Printable.Quote(name)} lacks role {role}; expected it in spec.hosts[{index}].roles");
            }
        }

        foreach (var host in scope.Spec.HostsWithRole(role).Where(h => !names.Contains(h.Name)))
        {
            scope.Error($"spec.hosts[{scope.HostIndex(host.Name)}].roles", $"host {HaKube.Model.Values.Printable.Quote(host.Name)} has role {role} but is not listed in {path}");
        }
    }
}
