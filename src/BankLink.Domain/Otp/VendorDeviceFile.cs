namespace BankLink.Domain.Otp;

/// <summary>One hardware token as the vendor delivers it: the printed serial and the TOTP seed.</summary>
public sealed record VendorDevice(string SerialNumber, byte[] Seed)
{
    /// <summary>Never the seed: records are printed in messages and logs.</summary>
    public override string ToString() => SerialNumber;
}

/// <summary>A line of a vendor file that cannot be loaded, by its line number (1 is the header).</summary>
public sealed record VendorFileError(int Line, string Reason);

/// <summary>
/// The vendor's CSV of hardware tokens the bank bought: a header <c>serial_number,secret_base32</c>, then
/// one device per line. The whole file is checked before anything is loaded, so a bad line loads nothing.
/// </summary>
public static class VendorDeviceFile
{
    public const string Header = "serial_number,secret_base32";

    /// <summary>RFC 4226 §4 R6: the shared secret is at least 128 bits (160 recommended).</summary>
    public const int MinimumSeedBytes = 16;

    public static (IReadOnlyList<VendorDevice> Devices, IReadOnlyList<VendorFileError> Errors) Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var devices = new List<VendorDevice>();
        var errors = new List<VendorFileError>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var header = reader.ReadLine()?.TrimStart('\uFEFF').Trim();
        if (!string.Equals(header, Header, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new VendorFileError(1, $"the first line must be the header '{Header}'"));
            return (devices, errors);
        }

        var number = 1;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != 2)
            {
                errors.Add(new VendorFileError(number, "expected two fields: serial_number,secret_base32"));
                continue;
            }

            var serial = fields[0].Trim();
            if (!SerialNumber.IsValid(serial))
            {
                errors.Add(new VendorFileError(number, "the serial number is not 10 digits"));
                continue;
            }

            if (seen.TryGetValue(serial, out var first))
            {
                errors.Add(new VendorFileError(number, $"serial {serial} already appears on line {first}"));
                continue;
            }

            seen[serial] = number;

            // The reason never repeats the seed: the message goes to the operator's terminal and logs.
            byte[] seed;
            try
            {
                seed = Base32.Decode(fields[1].Trim());
            }
            catch (FormatException)
            {
                errors.Add(new VendorFileError(number, $"the secret of serial {serial} is not base32"));
                continue;
            }

            if (seed.Length < MinimumSeedBytes)
            {
                errors.Add(new VendorFileError(number, $"the secret of serial {serial} is shorter than {MinimumSeedBytes} bytes"));
                continue;
            }

            devices.Add(new VendorDevice(serial, seed));
        }

        return (devices, errors);
    }
}
