using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using HaKube.Model.Schema;

namespace HaKube.Model.Api;

public sealed record ProxySpec
{
    [Description("Proxy for http:// URLs: http or https, host[:port], no credentials.")]
    [RegularExpression(ApiPatterns.Url)]
    [StringLength(2048, MinimumLength = 1)]
    public string? HttpProxy { get; init; }

    [Description("Proxy for https:// URLs: http or https, host[:port], no credentials.")]
    [RegularExpression(ApiPatterns.Url)]
    [StringLength(2048, MinimumLength = 1)]
    public string? HttpsProxy { get; init; }

    [Description("Destinations reached directly: host names, .domain suffixes, IP addresses, CIDRs. " +
        "HaKube always adds localhost, 127.0.0.1, the pod and service networks, the control-plane endpoint and every host's address.")]
    [RegularExpression(ApiPatterns.NoProxy)]
    [StringLength(253, MinimumLength = 1)]
    public IReadOnlyList<string> NoProxy { get; init; } = [];
}
