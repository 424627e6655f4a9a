using HaKube.Model.Values;

namespace HaKube.Tests.Model.Values;

/// <summary>Mirror, repository and proxy URLs: http or https, canonical, never credentials.</summary>
public sealed class HttpUrlTests
{
    [TestCase("https://mirror.example.com", "https", "mirror.example.com", null, "")]
    [TestCase("http://10.0.0.5:5000", "http", "10.0.0.5", 5000, "")]
    [TestCase("https://apt.example.com/pkgs.k8s.io/core:/stable:", "https", "apt.example.com", null, "/pkgs.k8s.io/core:/stable:")]
    public void TryParse_Canonical_Parts(string text, string scheme, string host, int? port, string path)
    {
        Assert.That(HttpUrl.TryParse(text, out var url, out var problem), Is.True, problem);
        Assert.That((url!.Scheme, url.Host.ToString(), url.Port, url.Path, url.ToString()), Is.EqualTo((scheme, host, port, path, text)));
    }

    [TestCase("HTTPS://Mirror.example.com/", "https://mirror.example.com")]
    [TestCase("https://mirror.example.com:443", "https://mirror.example.com")]
    [TestCase("http://mirror.example.com:80/v2/", "http://mirror.example.com/v2")]
    public void TryParse_NotCanonical_NamesTheCanonicalForm(string text, string canonical)
    {
        Assert.That(HttpUrl.TryParse(text, out _, out var problem), Is.False);
        Assert.That(problem, Does.EndWith("is not in canonical form; expected " + canonical));
    }

    [TestCase("https://user:hunter2@mirror.example.com")]
    [TestCase("https://token@mirror.example.com/v2")]
    public void TryParse_Credentials_RefusedWithoutEchoingThem(string text)
    {
        Assert.That(HttpUrl.TryParse(text, out _, out var problem), Is.False);
        Assert.That(problem, Does.Contain("credentials").And.Not.Contain("hunter2").And.Not.Contain("token"));
    }

    [TestCase("ftp://mirror.example.com", "is not an http or https URL")]
    [TestCase("mirror.example.com", "is not an http or https URL")]
    [TestCase("https://mirror.example.com/?a=1", "has a query or fragment")]
    [TestCase("https://mirror.example.com/a#b", "has a query or fragment")]
    [TestCase("https://mirror.example.com/a b", "has characters a path here may not hold")]
    [TestCase("https://mirror.example.com/a\"b", "has characters a path here may not hold")]
    [TestCase("https://mirror.example.com:0", "has no valid port")]
    [TestCase("https://mirror.example.com:65536", "has no valid port")]
    [TestCase("https://[fd00::1]:5000", "names an IPv6 host")]
    [TestCase("https://mirror_example.com", "is not an IP address or host name")]
    [TestCase("https://", "is not an IP address or host name")]
    public void TryParse_Invalid_SaysWhy(string text, string why)
    {
        Assert.That(HttpUrl.TryParse(text, out _, out var problem), Is.False);
        Assert.That(problem, Does.Contain(why));
    }
}
