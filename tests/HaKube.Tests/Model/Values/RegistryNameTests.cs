using HaKube.Model.Values;

namespace HaKube.Tests.Model.Values;

/// <summary>Registries as containerd names them, and kubeadm's imageRepository.</summary>
public sealed class RegistryNameTests
{
    [TestCase("docker.io")]
    [TestCase("registry.k8s.io")]
    [TestCase("registry.example.com:5000")]
    [TestCase("10.0.0.5:5000")]
    [TestCase("localhost:5000")]
    public void RegistryHost_Valid_PrintsAsWritten(string text)
    {
        Assert.That(RegistryHost.TryParse(text, out var registry, out var problem), Is.True, problem);
        Assert.That(registry!.ToString(), Is.EqualTo(text));
    }

    [TestCase("https://docker.io", "without a scheme")]
    [TestCase("docker.io/library", "has no path")]
    [TestCase("Docker.io", "canonical form; expected docker.io")]
    [TestCase("registry:05000", "port must be 1 to 65535")]
    [TestCase("registry:", "port must be 1 to 65535")]
    [TestCase("fd00::1", "is not an IP address or host name")]
    [TestCase("bad_name", "is not an IP address or host name")]
    public void RegistryHost_Invalid_SaysWhy(string text, string why)
    {
        Assert.That(RegistryHost.TryParse(text, out _, out var problem), Is.False);
        Assert.That(problem, Does.Contain(why));
    }

    [TestCase("registry.example.com")]
    [TestCase("registry.example.com/k8s")]
    [TestCase("registry.example.com:5000/mirrors/registry.k8s.io")]
    [TestCase("localhost/k8s")]
    [TestCase("harbor.example.com/proxy_cache/k8s-images")]
    public void ImageRepository_Valid_PrintsAsWritten(string text)
    {
        Assert.That(ImageRepository.TryParse(text, out var repository, out var problem), Is.True, problem);
        Assert.That(repository!.ToString(), Is.EqualTo(text));
    }

    [TestCase("https://registry.example.com/k8s", "without a scheme")]
    [TestCase("registry.example.com/k8s/", "canonical form")]
    [TestCase("k8s/images", "would be read as a Docker Hub user")]
    [TestCase("registry.example.com/K8s", "each path component is lower-case")]
    [TestCase("registry.example.com/k8s:v1", "each path component is lower-case")]
    [TestCase("registry.example.com//k8s", "each path component is lower-case")]
    public void ImageRepository_Invalid_SaysWhy(string text, string why)
    {
        Assert.That(ImageRepository.TryParse(text, out _, out var problem), Is.False);
        Assert.That(problem, Does.Contain(why));
    }

    [TestCase(".example.com", null)]
    [TestCase("example.com", null)]
    [TestCase("10.0.0.0/8", null)]
    [TestCase("10.0.0.5", null)]
    [TestCase("*", "is not an IP address or host name")]
    [TestCase(".", "is not a host name, .domain")]
    [TestCase("10.0.0.1/8", "host bits")]
    public void NoProxyEntry_Problem(string text, string? problem)
    {
        var found = NoProxyEntry.Problem(text);

        if (problem is null)
        {
            Assert.That(found, Is.Null);
        }
        else
        {
            Assert.That(found, Does.Contain(problem));
        }
    }
}
