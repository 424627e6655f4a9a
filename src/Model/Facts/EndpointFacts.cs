namespace HaKube.Model.Facts;

/// <summary>
/// The control-plane endpoint as HaKube sees it from where it runs: whether its name resolves and
/// whether a TCP connection to it is accepted. Observed for a user-provided (External) load
/// balancer, which no probe of a host can see.
/// </summary>
/// <param name="Host">spec.controlPlaneEndpoint.host.</param>
/// <param name="Port">spec.controlPlaneEndpoint.port.</param>
/// <param name="Resolves">The name resolves (an IP address always does).</param>
/// <param name="Answers">A TCP connection to host:port was accepted.</param>
/// <param name="Error">What failed, when something did.</param>
public sealed record EndpointFacts(string Host, int Port, bool Resolves, bool Answers, string? Error);
