using Microsoft.AspNetCore.DataProtection;

namespace BankLink.Data.Operators;

/// <summary>
/// Encrypts operators' TOTP seeds for storage (operators.protected_totp_seed) with the shared Data Protection key ring,
/// under a purpose of its own: a customer's protected OTP seed can never be unprotected as an operator's, or back.
/// </summary>
public sealed class OperatorSeedProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("BankLink.Operator.TotpSeed.v1");

    public string Protect(byte[] seed) => Convert.ToBase64String(_protector.Protect(seed));

    public byte[] Unprotect(string protectedSeed) => _protector.Unprotect(Convert.FromBase64String(protectedSeed));
}
