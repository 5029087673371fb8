using Microsoft.AspNetCore.DataProtection;

namespace BankLink.Data.DataProtection;

/// <summary>Encrypts TOTP seeds for storage (otp_devices.protected_seed) with the shared Data Protection key ring.</summary>
public sealed class OtpSeedProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("BankLink.OtpDevice.Seed.v1");

    public string Protect(byte[] seed) => Convert.ToBase64String(_protector.Protect(seed));

    public byte[] Unprotect(string protectedSeed) => _protector.Unprotect(Convert.FromBase64String(protectedSeed));
}
