using HaKube.Model.Api;

namespace HaKube.Actions.Kubeadm;

/// <summary>InitConfiguration. No certificateKey: HaKube places the CAs on every control plane itself, so nothing is uploaded to kubeadm-certs.</summary>
internal static class InitConfigurationDocument
{
    public static YamlMapping Render(KubeadmApiVersion api, HostSpec node, BootstrapToken token) => Yaml.Map(
        ("apiVersion", Yaml.Str(api.GroupVersion())),
        ("kind", Yaml.Str("InitConfiguration")),
        ("bootstrapTokens", Yaml.Seq([BootstrapTokenEntry(token)])),
        ("localAPIEndpoint", LocalApiEndpointSection.Render(node)),
        ("nodeRegistration", NodeRegistrationSection.Render(api, node, controlPlane: true)),
        // v1beta3 keeps this wait in ClusterConfiguration.apiServer.timeoutForControlPlane.
        ("timeouts", api == KubeadmApiVersion.V1Beta4
            ? Yaml.Map(("controlPlaneComponentHealthCheck", Yaml.Str(KubeadmDefaults.ControlPlaneHealthCheckTimeout)))
            : null));

    private static YamlMapping BootstrapTokenEntry(BootstrapToken token) => Yaml.Map(
        ("token", Yaml.Str(token.Value)),
        ("description", Yaml.Str("created by HaKube for joining nodes")),
        ("ttl", Yaml.Str(KubeadmDefaults.BootstrapTokenTtl)),
        ("usages", Yaml.Strings(KubeadmDefaults.BootstrapTokenUsages)),
        ("groups", Yaml.Strings([KubeadmDefaults.BootstrapTokenGroup])));
}
