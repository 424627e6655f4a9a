namespace HaKube.Actions.Pki;

public enum KeyPurpose
{
    /// <summary>TLS Web Server Authentication (1.3.6.1.5.5.7.3.1).</summary>
    ServerAuth,

    /// <summary>TLS Web Client Authentication (1.3.6.1.5.5.7.3.2).</summary>
    ClientAuth,
}
