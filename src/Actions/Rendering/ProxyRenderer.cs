using System.Text;
using System.Text.RegularExpressions;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Values;

namespace HaKube.Actions.Rendering;

/// <summary>
/// spec.proxy for apt and containerd. apt has no NO_PROXY and matches exact names only, so each
/// noProxy host gets "DIRECT". NO_PROXY always holds the cluster's own networks, endpoint and hosts,
/// so in-cluster traffic never goes to the proxy.
/// </summary>
internal static partial class ProxyRenderer
{
    public const string AptPath = KnownPaths.AptProxy;

    public const string ContainerdDropInPath = KnownPaths.ContainerdProxyDropIn;

    /// <summary>The user's entries first, then the cluster's own, without repeats.</summary>
    public static IReadOnlyList<string> NoProxy(HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var entries = new List<string>(spec.Proxy?.NoProxy ?? []) { "localhost", "127.0.0.1" };
        if (spec.Networking.PodSubnet is { } pod)
        {
            entries.Add(pod);
        }

        entries.Add(spec.Networking.ServiceSubnet);
        entries.Add(spec.ControlPlaneEndpoint.Host);
        entries.AddRange(spec.Hosts.Select(h => h.Address));
        return entries.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Null without a proxy.</summary>
    public static string? Apt(HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Proxy is not { } proxy)
        {
            return null;
        }

        var text = new StringBuilder("// Proxy for apt, written by HaKube.\n");
        if (proxy.HttpProxy is { } http)
        {
            text.Append("Acquire::http::Proxy ").Append(AptString(http)).Append(";\n");
        }

        if (proxy.HttpsProxy is { } https)
        {
            text.Append("Acquire::https::Proxy ").Append(AptString(https)).Append(";\n");
        }

        foreach (var host in NoProxy(spec).Where(IsHostName))
        {
            text.Append("Acquire::http::Proxy::").Append(host).Append(" \"DIRECT\";\n");
            text.Append("Acquire::https::Proxy::").Append(host).Append(" \"DIRECT\";\n");
        }

        return text.ToString();
    }

    /// <summary>Null without a proxy.</summary>
    public static string? ContainerdDropIn(HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Proxy is not { } proxy)
        {
            return null;
        }

        var text = new StringBuilder("# Proxy for containerd's pulls, written by HaKube.\n[Service]\n");
        if (proxy.HttpProxy is { } http)
        {
            text.Append(Environment("HTTP_PROXY", http));
        }

        if (proxy.HttpsProxy is { } https)
        {
            text.Append(Environment("HTTPS_PROXY", https));
        }

        text.Append(Environment("NO_PROXY", string.Join(',', NoProxy(spec))));
        return text.ToString();
    }

    /// <summary>In curl's lower case.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ShellVariables(HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Proxy is not { } proxy)
        {
            return [];
        }

        var variables = new List<KeyValuePair<string, string>>();
        if (proxy.HttpProxy is { } http)
        {
            variables.Add(new("http_proxy", http));
        }

        if (proxy.HttpsProxy is { } https)
        {
            variables.Add(new("https_proxy", https));
        }

        variables.Add(new("no_proxy", string.Join(',', NoProxy(spec))));
        return variables;
    }

    // A plain host name is one apt can match; suffixes, addresses and CIDRs are not.
    private static bool IsHostName(string entry) =>
        !entry.StartsWith('.') && !entry.Contains('/', StringComparison.Ordinal) && HostAddress.TryParse(entry, out var host, out _) && !host!.IsIp;

    // Validated URLs hold none of '"', '\\' or whitespace; a value that did would end the setting.
    private static string AptString(string value) =>
        Safe().IsMatch(value) ? $"\"{value}\"" : throw new ArgumentException($"{Printable.Quote(value)} cannot be written as an apt setting", nameof(value));

    private static string Environment(string name, string value) =>
        Safe().IsMatch(value)
            ? $"Environment=\"{name}={SystemdValues.Setting(value)}\"\n"
            : throw new ArgumentException($"{Printable.Quote(value)} cannot be written as a systemd Environment= value", nameof(value));

    [GeneratedRegex(@"^[-A-Za-z0-9._~/:+,=%]+\z")]
    private static partial Regex Safe();
}
