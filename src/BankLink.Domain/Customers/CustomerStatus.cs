namespace BankLink.Domain.Customers;

/// <summary>Whether a customer may use API linking at all.</summary>
public enum CustomerStatus
{
    Active,

    /// <summary>利用中止: too many wrong passwords, codes or PINs in a row; only an operator lifts it.</summary>
    Stopped,
}
