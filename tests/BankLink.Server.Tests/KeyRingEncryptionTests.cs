using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BankLink.Server.Database;
using BankLink.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Server.Tests;

/// <summary>
/// The Data Protection key ring (in PostgreSQL) is encrypted at rest when a certificate is configured.
/// A certificate that cannot be used stops the binary: see ServerProcessTests.
/// </summary>
public sealed class KeyRingEncryptionTests : IAsyncLifetime
{
    private readonly SchemaDatabase _database = new();
    internal static async Task WriteCertificateAsync(string path, string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=BankLink key ring test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pkcs12, password));
    }

    private readonly string _certificatePath = Path.Combine(Path.GetTempPath(), $"banklink-keyring-{Guid.NewGuid():N}.pfx");

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await WriteCertificateAsync(_certificatePath, "test-password");
    }

    public async Task DisposeAsync()
    {
        File.Delete(_certificatePath);
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Certificate_Configured_KeysStoredEncryptedAndStillUsable()
    {
        await using var app = new BankLinkApp(_database.ConnectionString, new Dictionary<string, string?>
        {
            [KeyRingEncryption.CertificatePathKey] = _certificatePath,
            [KeyRingEncryption.CertificatePasswordKey] = "test-password",
        });
        app.CreateClient();
        var protector = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");

        var roundTrip = protector.Unprotect(protector.Protect("seed"));

        Assert.Equal("seed", roundTrip);
        var xml = await _database.ScalarAsync<string>("SELECT xml FROM data_protection_keys LIMIT 1");
        Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoCertificate_KeysStoredInClear_WhichIsWhyProductionSetsOne()
    {
        await using var app = new BankLinkApp(_database.ConnectionString);
        app.CreateClient();
        app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("seed");

        Assert.Contains("<masterKey", await _database.ScalarAsync<string>("SELECT xml FROM data_protection_keys LIMIT 1"), StringComparison.Ordinal);
    }
}
