using HaKube.Model.Values;

namespace HaKube.Model.Validation;

internal static class ProxyRules
{
    public static void Check(ValidationScope scope)
    {
        if (scope.Spec.Proxy is not { } proxy)
        {
            return;
        }

        if (proxy.HttpProxy is null && proxy.HttpsProxy is null)
        {
            scope.Error("spec.proxy", "neither httpProxy nor httpsProxy is set; expected at least one, or no proxy section");
        }

        CheckUrl(scope, proxy.HttpProxy, "spec.proxy.httpProxy");
        CheckUrl(scope, proxy.HttpsProxy, "spec.proxy.httpsProxy");
        for (var i = 0; i < proxy.NoProxy.Count; i++)
        {
            if (NoProxyEntry.Problem(proxy.NoProxy[i]) is { } problem)
            {
                scope.Error($"spec.proxy.noProxy[{i}]", problem);
            }
        }
    }

    private static void CheckUrl(ValidationScope scope, string? text, string field)
    {
        if (text is null)
        {
            return;
        }

        if (!HttpUrl.TryParse(text, out var url, out var problem))
        {
            scope.Error(field, problem);
        }
        else if (url!.Path.Length > 0)
        {
            scope.Error(field, $"{Printable.Quote(text)} has a path; a proxy is named by scheme://HOST[:PORT] only");
        }
    }
}
