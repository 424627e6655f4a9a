namespace HaKube.Model.Facts;

/// <summary>As <c>systemctl is-active</c> prints it.</summary>
public enum ServiceState
{
    /// <summary>No systemctl, or an answer HaKube does not know.</summary>
    Unknown,
    Active,
    Inactive,
    Failed,
    Activating,
    Deactivating,
    Reloading,
}
