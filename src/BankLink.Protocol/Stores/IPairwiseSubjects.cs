namespace BankLink.Protocol.Stores;

/// <summary>
/// Pairwise subject identifiers (OIDC Core §8.1): the same customer gets a different, stable "sub" at each
/// provider, so two providers cannot correlate one customer.
/// </summary>
public interface IPairwiseSubjects
{
    Task<string> ForAsync(Guid providerId, Guid customerId, CancellationToken cancellationToken);
}
