using QRCoder;

namespace BankLink.Domain.Otp;

/// <summary>
/// Draws an otpauth URI as a QR code. The pages' CSP allows images from 'self' only, so a page either
/// inlines the SVG text or serves the PNG bytes from its own URL; nothing goes to a third-party renderer,
/// which would see the seed.
/// </summary>
public static class OtpQrCode
{
    /// <summary>Medium error correction: readable from a phone screen or a print-out, still a small code.</summary>
    private const QRCodeGenerator.ECCLevel Correction = QRCodeGenerator.ECCLevel.M;

    /// <summary>An <c>&lt;svg&gt;</c> element that scales with its container (a viewBox, no fixed size).</summary>
    public static string Svg(string otpAuthUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(otpAuthUri);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(otpAuthUri, Correction);
        using var svg = new SvgQRCode(data);
        return svg.GetGraphic(8, "#000000", "#ffffff", drawQuietZones: true, sizingMode: SvgQRCode.SizingMode.ViewBoxAttribute);
    }

    public static byte[] Png(string otpAuthUri, int pixelsPerModule = 6)
    {
        ArgumentException.ThrowIfNullOrEmpty(otpAuthUri);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(otpAuthUri, Correction);
        using var png = new PngByteQRCode(data);
        return png.GetGraphic(pixelsPerModule);
    }
}
