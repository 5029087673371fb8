using System.Text;

namespace BankLink.Data.Operators;

/// <summary>What <see cref="OperatorStore.ChangeOwnPasswordAsync"/> did.</summary>
public enum OperatorPasswordChangeOutcome
{
    /// <summary>The new password is stored, the must-change flag cleared and the credential stamp moved.</summary>
    Changed,

    /// <summary>The current password was not right: nothing changed, and one failure counted toward the lockout.</summary>
    CurrentPasswordWrong,

    /// <summary>The current password was right but the new one breaks a rule (<see cref="OperatorPasswordChangeResult.NewPasswordProblems"/>); nothing changed.</summary>
    NewPasswordRefused,

    /// <summary>The operator is stopped or disabled (this failure may have stopped them): the session is over.</summary>
    Stopped,
}

/// <summary>
/// The answer to a password change. <see cref="Session"/> is the operator as their session must now carry them (new
/// credential stamp) when <see cref="Outcome"/> is Changed. <see cref="NewPasswordProblems"/> lists every rule the new
/// password breaks (also when the current password was wrong, so the form is put right in one go); never a password.
/// </summary>
public sealed record OperatorPasswordChangeResult(
    OperatorPasswordChangeOutcome Outcome, IReadOnlyList<string> NewPasswordProblems, OperatorSessionState? Session = null)
{
    public static OperatorPasswordChangeResult Of(OperatorPasswordChangeOutcome outcome, IReadOnlyList<string>? problems = null) => new(outcome, problems ?? []);
}

/// <summary>
/// The rules for a password an operator chooses: <see cref="MinLength"/> to <see cref="MaxLength"/> characters (UTF-16
/// code units, as the login and the form's maxlength count them: a longer one could never be typed at login), no control
/// characters, not the current password, not containing the login ID (case-insensitive), and at least
/// <see cref="MinClasses"/> of four classes (lower case, upper case, digits, anything else) unless it is
/// <see cref="PassphraseLength"/> characters or longer (a passphrase of plain words is strong by its length).
/// </summary>
public static class OperatorPasswordRules
{
    public const int MinLength = 12;
    public const int MaxLength = 128;
    public const int PassphraseLength = 20;
    public const int MinClasses = 3;

    public static readonly string LengthRule = $"The new password must be {MinLength} to {MaxLength} characters long.";
    public static readonly string ClassesRule =
        $"Use at least {MinClasses} of: lower-case letters, upper-case letters, digits, other characters; or make it {PassphraseLength} characters or longer.";

    public const string MissingRule = "Choose a new password.";
    public const string ControlRule = "The new password cannot contain control characters such as tabs or line breaks.";
    public const string SameAsCurrentRule = "The new password must be different from the current one.";
    public const string LoginIdRule = "The new password must not contain your login ID.";

    /// <summary>Every rule <paramref name="newPassword"/> breaks, in words for the operator; empty when it is acceptable.</summary>
    public static IReadOnlyList<string> Problems(string? newPassword, string loginId, string? currentPassword)
    {
        ArgumentNullException.ThrowIfNull(loginId);
        if (string.IsNullOrEmpty(newPassword))
        {
            return [MissingRule];
        }

        var problems = new List<string>();
        if (newPassword.Length is < MinLength or > MaxLength)
        {
            problems.Add(LengthRule);
        }

        if (newPassword.Any(char.IsControl))
        {
            problems.Add(ControlRule);
        }

        if (string.Equals(newPassword, currentPassword, StringComparison.Ordinal))
        {
            problems.Add(SameAsCurrentRule);
        }

        if (loginId.Length > 0 && newPassword.Contains(loginId, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(LoginIdRule);
        }

        if (newPassword.Length < PassphraseLength && Classes(newPassword) < MinClasses)
        {
            problems.Add(ClassesRule);
        }

        return problems;
    }

    /// <summary>How many of the four classes appear: lower case, upper case, digits (any script's), anything else.</summary>
    internal static int Classes(string password)
    {
        bool lower = false, upper = false, digit = false, other = false;
        foreach (var rune in password.EnumerateRunes())
        {
            if (Rune.IsLower(rune))
            {
                lower = true;
            }
            else if (Rune.IsUpper(rune))
            {
                upper = true;
            }
            else if (Rune.IsDigit(rune))
            {
                digit = true;
            }
            else
            {
                other = true;
            }
        }

        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
    }
}
