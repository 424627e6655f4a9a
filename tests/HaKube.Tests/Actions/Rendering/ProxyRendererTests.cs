using HaKube.Actions.Rendering;
using HaKube.Model.Api;
using HaKube.Tests.Model.Planning;
using HaKube.Tests.Support;

namespace HaKube.Tests.Actions.Rendering;

/// <summary>spec.proxy for apt and containerd; NO_PROXY always keeps the cluster's own traffic direct.</summary>
public sealed class ProxyRendererTests
{
    private static HaClusterSpec Spec(ProxySpec? proxy) => Clusters.Spec(workers: 1, loadBalancers: 1).Spec with { Proxy = proxy };

    private static readonly ProxySpec Both = new()
    {
        HttpProxy = "http://proxy.example.internal:3128",
        HttpsProxy = "http://proxy.example.internal:3129",
        NoProxy = [".example.internal", "registry.example.internal", "10.0.0.0/8"],
    };

    [Test]
    public void NoProxy_AnyProxy_AddsLoopbackNetworksEndpointAndEveryHostOnce()
    {
        Assert.That(ProxyRenderer.NoProxy(Spec(Both)), Is.EqualTo(new[]
        {
            ".example.internal", "registry.example.internal", "10.0.0.0/8", "localhost", "127.0.0.1",
            "192.168.0.0/16", "10.96.0.0/12", "api.demo.internal", "10.0.0.10", "10.0.0.11", "10.0.0.12", "10.0.0.13", "10.0.0.14",
        }));
    }

    [Test]
    public void Apt_BothProxies_WritesBothAndDirectForHostNamesOnly()
    {
        Assert.That(ProxyRenderer.Apt(Spec(Both)), Is.EqualTo(
            "// Proxy for apt, written by HaKube.\n" +
            "Acquire::http::Proxy \"http://proxy.example.internal:3128\";\n" +
            "Acquire::https::Proxy \"http://proxy.example.internal:3129\";\n" +
            "Acquire::http::Proxy::registry.example.internal \"DIRECT\";\n" +
            "Acquire::https::Proxy::registry.example.internal \"DIRECT\";\n" +
            "Acquire::http::Proxy::localhost \"DIRECT\";\n" +
            "Acquire::https::Proxy::localhost \"DIRECT\";\n" +
            "Acquire::http::Proxy::api.demo.internal \"DIRECT\";\n" +
            "Acquire::https::Proxy::api.demo.internal \"DIRECT\";\n"));
    }

    [Test]
    public void ContainerdDropIn_HttpsProxyOnly_SetsHttpsProxyAndNoProxy()
    {
        var text = ProxyRenderer.ContainerdDropIn(Spec(new ProxySpec { HttpsProxy = "http://proxy.example.internal:3128" }));

        Assert.That(text, Is.EqualTo(
            "# Proxy for containerd's pulls, written by HaKube.\n" +
            "[Service]\n" +
            "Environment=\"HTTPS_PROXY=http://proxy.example.internal:3128\"\n" +
            "Environment=\"NO_PROXY=localhost,127.0.0.1,192.168.0.0/16,10.96.0.0/12,api.demo.internal,10.0.0.10,10.0.0.11,10.0.0.12,10.0.0.13,10.0.0.14\"\n"));
    }

    [Test]
    public void ContainerdDropIn_Rendered_ReadsBackAsTheSameEnvironment()
    {
        var text = ProxyRenderer.ContainerdDropIn(Spec(Both))!;

        var lines = FormatReaders.SystemdUnit(text);

        Assert.That(lines.Select(l => (l.Section, l.Key)), Is.All.EqualTo(("Service", "Environment")));
        Assert.That(lines.Select(l => FormatReaders.ExecWords(l.Value).Single()), Is.EqualTo(new[]
        {
            "HTTP_PROXY=http://proxy.example.internal:3128",
            "HTTPS_PROXY=http://proxy.example.internal:3129",
            "NO_PROXY=" + string.Join(',', ProxyRenderer.NoProxy(Spec(Both))),
        }));
    }

    [Test]
    public void AptAndContainerd_NoProxy_WriteNothing()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ProxyRenderer.Apt(Spec(null)), Is.Null);
            Assert.That(ProxyRenderer.ContainerdDropIn(Spec(null)), Is.Null);
            Assert.That(ProxyRenderer.ShellVariables(Spec(null)), Is.Empty);
        });
    }

    [Test]
    public void ContainerdDropIn_ValueWithAQuote_IsRefused()
    {
        // Validation refuses it first; the emitter refuses too rather than end the setting early.
        var spec = Spec(new ProxySpec { HttpsProxy = "http://proxy\"\nExecStartPre=/bin/evil" });

        Assert.That(() => ProxyRenderer.ContainerdDropIn(spec), Throws.ArgumentException);
    }
}
