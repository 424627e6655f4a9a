using System.Security.Cryptography;
using HaKube.Actions.Kubeadm;

namespace HaKube.Actions.Steps;

internal static class BootstrapTokens
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static BootstrapToken Generate()
    {
        var id = RandomNumberGenerator.GetString(Alphabet, 6);
        var secret = RandomNumberGenerator.GetString(Alphabet, 16);
        return BootstrapToken.Parse($"{id}.{secret}");
    }
}
