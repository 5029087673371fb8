namespace BankLink.Domain.Otp;

/// <summary>Software (authenticator app) or hardware (a device with a printed serial).</summary>
public enum OtpDeviceKind
{
    Software,
    Hardware,
}

/// <summary>Where an OTP token is in its life.</summary>
public enum OtpDeviceStatus
{
    /// <summary>A hardware device the bank bought and loaded, not yet registered by a customer.</summary>
    InStock,

    /// <summary>Enrolled, waiting for the customer to confirm with a current code.</summary>
    Pending,

    Active,

    /// <summary>Replaced or deregistered: its codes no longer count.</summary>
    Retired,
}

/// <summary>An OTP token (トークン) identified by its 10-digit serial number (シリアル番号).</summary>
public sealed class OtpDevice
{
    public Guid Id { get; set; }

    public Guid? CustomerId { get; set; }

    public OtpDeviceKind Kind { get; set; }

    public required string SerialNumber { get; set; }

    /// <summary>The TOTP seed encrypted with Data Protection: needed to check codes, never stored in clear.</summary>
    public required string ProtectedSeed { get; set; }

    public OtpDeviceStatus Status { get; set; }

    /// <summary>The last TOTP time step accepted, so a code is never accepted twice (RFC 6238 §5.2).</summary>
    public long? LastUsedStep { get; set; }

    public DateTimeOffset? RegisteredAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
