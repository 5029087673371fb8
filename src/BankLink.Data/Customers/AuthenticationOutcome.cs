namespace BankLink.Data.Customers;

/// <summary>
/// What a login, PIN or token-registration step tells the page. A wrong answer never says which factor was
/// wrong (DOMAIN.md: "Wrong input never reveals which part was wrong").
/// </summary>
public enum AuthenticationOutcome
{
    /// <summary>Every factor of this step was right.</summary>
    Accepted,

    /// <summary>Something was wrong; the page says "login ID, password or one-time password is not correct".</summary>
    Wrong,

    /// <summary>Wrong, and the next wrong attempt stops the customer: the page warns before the last attempt.</summary>
    WrongOneAttemptLeft,

    /// <summary>利用中止: the customer is stopped, whatever was typed; only an operator lifts it.</summary>
    Stopped,

    /// <summary>Too many failures from this client address; nothing was checked and no counter moved.</summary>
    Throttled,

    /// <summary>Software enrolment only: the pending token waited longer than ten minutes; enrol again.</summary>
    EnrolmentExpired,
}

/// <summary>The customer a step proved, for the page's sign-in.</summary>
public sealed record AuthenticatedCustomer(Guid Id, string CustomerNumber, string LoginId);

/// <summary>A step's answer; <see cref="Customer"/> is set only when <see cref="Outcome"/> is Accepted.</summary>
public sealed record AuthenticationResult(AuthenticationOutcome Outcome, AuthenticatedCustomer? Customer = null)
{
    public static AuthenticationResult Of(AuthenticationOutcome outcome) => new(outcome);
}
