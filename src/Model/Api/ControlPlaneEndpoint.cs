using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using HaKube.Model.Schema;

namespace HaKube.Model.Api;

public sealed record ControlPlaneEndpoint
{
    [Description("DNS name or IP address of the load balancer.")]
    [RegularExpression(ApiPatterns.Address)]
    [StringLength(HaKube.Model.Values.HostAddress.MaxLength, MinimumLength = 1)]
    public required string Host { get; init; }

    [Description("TCP port of the load balancer. Defaults to 6443.")]
    [Range(1, 65535)]
    public int Port { get; init; } = 6443;
}
