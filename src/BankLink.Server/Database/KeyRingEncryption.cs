using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BankLink.Data;
using Microsoft.AspNetCore.DataProtection;

namespace BankLink.Server.Database;

/// <summary>
/// Encrypts the Data Protection key ring at rest with a configured certificate. The key ring lives in
/// PostgreSQL beside what it protects (TOTP seeds); without the certificate, whoever reads the database
/// could decrypt them. Production sets it; the sandbox runs without (ASP.NET Core then warns at start).
/// </summary>
public static class KeyRingEncryption
{
    public const string CertificatePathKey = "BankLink:DataProtection:CertificatePath";
    public const string CertificatePasswordKey = "BankLink:DataProtection:CertificatePassword";

    public static IHostApplicationBuilder AddKeyRingEncryption(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var path = builder.Configuration[CertificatePathKey];
        if (string.IsNullOrWhiteSpace(path))
        {
            return builder;
        }

        if (!File.Exists(path))
        {
            throw new StartupConfigurationException($"{CertificatePathKey} names '{path}', which does not exist.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, builder.Configuration[CertificatePasswordKey]);
        }
        catch (CryptographicException e)
        {
            // The message never includes the password, only that it did not open the file.
            throw new StartupConfigurationException($"{CertificatePathKey} '{path}' is not a PKCS#12 file this password opens: {e.Message}", e);
        }

        if (!certificate.HasPrivateKey)
        {
            throw new StartupConfigurationException($"{CertificatePathKey} '{path}' holds no private key; the key ring could be encrypted but never read back.");
        }

        builder.Services.AddDataProtection().ProtectKeysWithCertificate(certificate);
        return builder;
    }
}
