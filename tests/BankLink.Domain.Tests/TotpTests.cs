using System.Text;
using BankLink.Domain.Otp;

namespace BankLink.Domain.Tests;

/// <summary>TOTP against RFC 6238 Appendix B, the drift window and the otpauth/QR helpers.</summary>
public sealed class TotpTests
{
    private static readonly byte[] Sha1Seed = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly byte[] Sha256Seed = Encoding.ASCII.GetBytes("12345678901234567890123456789012");
    private static readonly byte[] Sha512Seed = Encoding.ASCII.GetBytes("1234567890123456789012345678901234567890123456789012345678901234");

    /// <summary>RFC 6238 Appendix B: every published vector, 8 digits, 30-second steps, T0 = 0.</summary>
    [Theory]
    [InlineData(59L, "94287082", "46119246", "90693936")]
    [InlineData(1111111109L, "07081804", "68084774", "25091201")]
    [InlineData(1111111111L, "14050471", "67062674", "99943326")]
    [InlineData(1234567890L, "89005924", "91819424", "93441116")]
    [InlineData(2000000000L, "69279037", "90698825", "38618901")]
    [InlineData(20000000000L, "65353130", "77737706", "47863826")]
    public void Compute_Rfc6238AppendixBVectors(long unixTime, string sha1, string sha256, string sha512)
    {
        var step = Totp.TimeStepAt(DateTimeOffset.FromUnixTimeSeconds(unixTime));

        Assert.Equal(sha1, Totp.Compute(Sha1Seed, step, 8, TotpAlgorithm.Sha1));
        Assert.Equal(sha256, Totp.Compute(Sha256Seed, step, 8, TotpAlgorithm.Sha256));
        Assert.Equal(sha512, Totp.Compute(Sha512Seed, step, 8, TotpAlgorithm.Sha512));
    }

    /// <summary>BankLink's 6-digit codes are the low six digits of the same truncated value (RFC 4226 §5.3).</summary>
    [Fact]
    public void Compute_SixDigits_IsTheLastSixOfTheEightDigitVector()
    {
        Assert.Equal("287082", Totp.Compute(Sha1Seed, Totp.TimeStepAt(DateTimeOffset.FromUnixTimeSeconds(59))));
    }

    [Theory]
    [InlineData(-30, true)]
    [InlineData(0, true)]
    [InlineData(30, true)]
    [InlineData(-60, false)]
    [InlineData(60, false)]
    public void Verify_DriftWindow_OneStepEitherSide(int offsetSeconds, bool accepted)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000 + 15);
        var codeTime = now.AddSeconds(offsetSeconds);
        var code = Totp.Compute(Sha1Seed, Totp.TimeStepAt(codeTime));

        var step = Totp.Verify(Sha1Seed, code, now);

        Assert.Equal(accepted, step is not null);
        if (accepted)
        {
            Assert.Equal(Totp.TimeStepAt(codeTime), step);
        }
    }

    [Fact]
    public void Verify_StepBoundary_LastSecondOfAStepStillTakesThePreviousCode()
    {
        var stepStart = DateTimeOffset.FromUnixTimeSeconds(1_800_000_010 - (1_800_000_010 % 30));
        var previous = Totp.Compute(Sha1Seed, Totp.TimeStepAt(stepStart) - 1);

        Assert.NotNull(Totp.Verify(Sha1Seed, previous, stepStart.AddSeconds(29)));
        Assert.Null(Totp.Verify(Sha1Seed, previous, stepStart.AddSeconds(30)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    [InlineData("１２３４５６")]
    public void Verify_NotSixAsciiDigits_Null(string? code)
    {
        Assert.Null(Totp.Verify(Sha1Seed, code, DateTimeOffset.FromUnixTimeSeconds(59)));
    }

    [Fact]
    public void OtpAuthUri_KeyUriFormat_WithEveryParameterExplicit()
    {
        var uri = OtpAuthUri.Build("BankLink", "tanaka01 9000000001", Sha1Seed);

        Assert.Equal(
            "otpauth://totp/BankLink:tanaka01%209000000001?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=BankLink&algorithm=SHA1&digits=6&period=30",
            uri);
    }

    [Fact]
    public void QrCode_SvgAndPng()
    {
        var uri = OtpAuthUri.Build("BankLink", "x", Sha1Seed);

        Assert.StartsWith("<svg", OtpQrCode.Svg(uri).TrimStart(), StringComparison.Ordinal);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], OtpQrCode.Png(uri)[..4]);
    }

    [Fact]
    public void SerialNumber_NewSoftware_TenDigitsNotStartingWithZeroOrNine()
    {
        for (var i = 0; i < 200; i++)
        {
            var serial = SerialNumber.NewSoftware();
            Assert.True(SerialNumber.IsValid(serial), serial);
            Assert.DoesNotContain(serial[0], "09");
        }
    }

    [Fact]
    public void VendorFile_GoodLines_Parsed()
    {
        var (devices, errors) = VendorDeviceFile.Parse(new StringReader(
            "serial_number,secret_base32\n1000000001,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n\n1000000002, gezdgnbvgy3tqojqgezdgnbvgy3tqojq \n"));

        Assert.Empty(errors);
        Assert.Equal(["1000000001", "1000000002"], devices.Select(d => d.SerialNumber));
        Assert.Equal(Sha1Seed, devices[1].Seed);
        Assert.DoesNotContain("GEZD", devices[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void VendorFile_BadLines_EachReportedByLineWithoutTheSeed()
    {
        var (_, errors) = VendorDeviceFile.Parse(new StringReader(
            "serial_number,secret_base32\n123,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n1000000001,GEZDGNBV\n1000000002,not-base32!\n1000000003,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n1000000003,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n1000000004\n"));

        Assert.Equal([2, 3, 4, 6, 7], errors.Select(e => e.Line));
        Assert.All(errors, e => Assert.DoesNotContain("GEZD", e.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void VendorFile_WrongHeader_Refused()
    {
        var (devices, errors) = VendorDeviceFile.Parse(new StringReader("serial,secret\n1000000001,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n"));

        Assert.Empty(devices);
        Assert.Equal(1, Assert.Single(errors).Line);
    }
}
