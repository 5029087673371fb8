namespace BankLink.Server.Commands;

/// <summary>Ctrl+C cancels a command cleanly (its transaction rolls back; the embedded PostgreSQL still stops).</summary>
internal static class ConsoleCancellation
{
    public static CancellationTokenSource Link(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            source.Cancel();
        };
        return source;
    }
}
