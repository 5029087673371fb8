namespace BankLink.Server;

/// <summary>
/// The customer pages' words: Resources/CustomerText.resx holds the Japanese (the neutral language: customers
/// see Japanese unless they switch) and CustomerText.en.resx the English. Keys are symbolic ("Login.Title"),
/// so a missing translation shows as a key and a test finds it, never as the other language.
/// </summary>
#pragma warning disable CA1052 // A marker type for IStringLocalizer<T>: it must be instantiable as a type argument only.
public sealed class CustomerText
#pragma warning restore CA1052
{
    private CustomerText()
    {
    }
}
