namespace BankLink.Domain.Accounts;

/// <summary>How an account number is shown outside the core: only its last digits, never the full number.</summary>
public static class AccountNumbers
{
    /// <summary>"0123456" becomes "***3456"; a number of four digits or fewer shows only the mask.</summary>
    public static string Mask(string accountNumber)
    {
        ArgumentNullException.ThrowIfNull(accountNumber);
        return accountNumber.Length > 4 ? "***" + accountNumber[^4..] : "***";
    }
}
