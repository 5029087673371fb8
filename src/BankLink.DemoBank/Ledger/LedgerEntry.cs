namespace BankLink.DemoBank.Ledger;

/// <summary>What a ledger line is, stored in ledger.transactions.type.</summary>
public enum TransactionType
{
    Salary,
    Bonus,
    Rent,
    Utility,
    CardPayment,
    AtmWithdrawal,
    AtmDeposit,
    DebitPurchase,
    TransferIn,
    TransferOut,
    SavingsTransfer,
    LoanRepaymentTransfer,
    Interest,
    LoanDraw,
    LoanRepayment,
    LoanInterest,
    Closure,
}

/// <summary>One line of an account's history (入出金明細), with the balance after it.</summary>
/// <param name="IsCredit">Money into the account (deposit, loan repayment); false: money out (withdrawal, loan draw or interest).</param>
public readonly record struct LedgerEntry(
    int Seq,
    DateOnly BookingDate,
    DateOnly ValueDate,
    long Amount,
    bool IsCredit,
    long BalanceAfter,
    string Description,
    TransactionType Type);
