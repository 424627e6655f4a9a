namespace HaKube.Model.Facts;

/// <summary>The control-plane endpoint as seen from where HaKube runs: observed for an External load balancer, which no probe of a host can see.</summary>
public sealed record EndpointFacts(string Host, int Port, bool Resolves, bool Answers, string? Error);
