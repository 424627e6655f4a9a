using HaKube.Model.Api;

namespace HaKube.Actions.Kubeadm;

internal static class LocalApiEndpointSection
{
    public static YamlMapping Render(HostSpec node) => Yaml.Map(
        // kubeadm takes only an IP here; for a host given by DNS name it picks the default-route address.
        ("advertiseAddress", HostAddresses.IsIpAddress(node.Address) ? Yaml.Str(node.Address) : null),
        ("bindPort", Yaml.Int(KubeadmDefaults.ApiServerBindPort)));
}
