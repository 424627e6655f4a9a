using HaKube.Model.Api;

namespace HaKube.Actions.Kubeadm;

/// <summary>Discovery through the load-balanced endpoint, so a join works whichever apiserver is up; no certificateKey (CAs are placed).</summary>
internal static class JoinConfigurationDocument
{
    public static YamlMapping Render(KubeadmApiVersion api, HaClusterSpec spec, HostSpec node, BootstrapToken token, CaCertHash caCertHash, bool controlPlane)
    {
        var v1Beta4 = api == KubeadmApiVersion.V1Beta4;
        return Yaml.Map(
            ("apiVersion", Yaml.Str(api.GroupVersion())),
            ("kind", Yaml.Str("JoinConfiguration")),
            ("nodeRegistration", NodeRegistrationSection.Render(api, node, controlPlane)),
            ("discovery", Yaml.Map(
                ("bootstrapToken", Yaml.Map(
                    ("apiServerEndpoint", Yaml.Str(HostAddresses.HostPort(spec.ControlPlaneEndpoint.Host, spec.ControlPlaneEndpoint.Port))),
                    ("token", Yaml.Str(token.Value)),
                    ("caCertHashes", Yaml.Strings([caCertHash.Value])))),
                // v1beta4 moved this to timeouts.discovery.
                ("timeout", v1Beta4 ? null : Yaml.Str(KubeadmDefaults.DiscoveryTimeout)))),
            ("controlPlane", controlPlane ? Yaml.Map(("localAPIEndpoint", LocalApiEndpointSection.Render(node))) : null),
            ("timeouts", v1Beta4 ? Timeouts(controlPlane) : null));
    }

    // A v1beta3 control-plane join takes its health-check wait from the stored ClusterConfiguration
    // (apiServer.timeoutForControlPlane); v1beta4 reads it here, so it is set to the same value.
    private static YamlMapping Timeouts(bool controlPlane) => Yaml.Map(
        ("controlPlaneComponentHealthCheck", controlPlane ? Yaml.Str(KubeadmDefaults.ControlPlaneHealthCheckTimeout) : null),
        ("discovery", Yaml.Str(KubeadmDefaults.DiscoveryTimeout)));
}
