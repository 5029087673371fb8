namespace BankLink.Data;

/// <summary>
/// A setting or a machine fact an operator must fix before BankLink can start (a certificate that does not
/// open, a folder PostgreSQL cannot reach). The command line prints its message alone, without a stack trace.
/// </summary>
public sealed class StartupConfigurationException : InvalidOperationException
{
    public StartupConfigurationException(string message) : base(message)
    {
    }

    public StartupConfigurationException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public StartupConfigurationException()
    {
    }
}
