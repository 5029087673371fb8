namespace BankLink.Domain.Customers;

/// <summary>An account holder as the login side knows them; their accounts live in the core, by customer number.</summary>
public sealed class Customer
{
    public Guid Id { get; set; }

    /// <summary>The core banking system's customer number (CIF), 10 digits.</summary>
    public required string CustomerNumber { get; set; }

    public required string LoginId { get; set; }

    public required string DisplayName { get; set; }

    public required string DisplayNameKana { get; set; }

    /// <summary>PBKDF2 hash (<see cref="Security.SecretHasher"/>); the password itself is never stored.</summary>
    public required string PasswordHash { get; set; }

    /// <summary>PBKDF2 hash of the confirmation PIN (確認暗証番号).</summary>
    public required string ConfirmationPinHash { get; set; }

    public CustomerStatus Status { get; set; }

    public int ConsecutiveFailures { get; set; }

    /// <summary>Generated in bulk for benchmarks, not one of the documented sandbox customers.</summary>
    public bool IsSynthetic { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
