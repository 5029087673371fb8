using BankLink.Protocol.ClientAuthentication;
using BankLink.Protocol.Dpop;
using BankLink.Protocol.Endpoints.PushedAuthorization;
using BankLink.Protocol.Endpoints.Introspection;
using BankLink.Protocol.Endpoints.Registration;
using BankLink.Protocol.Endpoints.Token;
using BankLink.Protocol.Tokens;
using BankLink.Protocol.Stores;
using Microsoft.Extensions.Options;

namespace BankLink.Server.Hosting.Protocol;

/// <summary>Registers the protocol engine's endpoint pipelines and the issuer identity.</summary>
public static class ProtocolServices
{
    public static IHostApplicationBuilder AddBankLinkProtocol(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<IssuerOptions>().Bind(builder.Configuration.GetSection(IssuerOptions.SectionName));
        builder.Services.AddSingleton(provider => provider.GetRequiredService<IOptions<IssuerOptions>>().Value);
        builder.Services.AddSingleton(provider => new RegistrationPipeline(
            provider.GetRequiredService<IOnboardingTokenVerifier>(), provider.GetRequiredService<IClientStore>()));
        builder.Services.AddSingleton<ClientAuthenticator>();
        builder.Services.AddSingleton<DpopProofValidator>();
        builder.Services.AddSingleton(provider => PushedAuthorizationPipeline.Create(
            provider.GetRequiredService<ClientAuthenticator>(), provider.GetRequiredService<DpopProofValidator>(), provider.GetRequiredService<IReplayCache>(),
            provider.GetRequiredService<IPushedRequestStore>(),
            provider.GetRequiredService<IGrantStore>()));
        builder.Services.AddOptions<TokenOptions>().Bind(builder.Configuration.GetSection(TokenOptions.SectionName));
        builder.Services.AddSingleton(provider => provider.GetRequiredService<IOptions<TokenOptions>>().Value);
        builder.Services.AddSingleton(provider => TokenPipeline.Create(
            provider.GetRequiredService<ClientAuthenticator>(), provider.GetRequiredService<DpopProofValidator>(), provider.GetRequiredService<IReplayCache>(),
            provider.GetRequiredService<ITokenStore>(), provider.GetRequiredService<ISigningKeys>(),
            provider.GetRequiredService<IPairwiseSubjects>(), provider.GetRequiredService<TokenOptions>()));
        builder.Services.AddSingleton<TokenManagementPipelines>();
        builder.Services.AddSingleton<BankLink.Protocol.Resource.AccessTokenValidator>();
        builder.Services.AddSingleton<BankLink.Server.Authorization.AuthorizationRequests>();
        builder.Services.AddHostedService<BankLink.Data.Keys.SigningKeyRotationService>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<BankLink.Data.Pruning.ExpiredRowPruner>());
        builder.Services.AddOptions<BankLink.Data.Notifications.AccessTokenCacheOptions>().Bind(builder.Configuration.GetSection(BankLink.Data.Notifications.AccessTokenCacheOptions.SectionName));
        builder.Services.AddHostedService(provider => provider.GetRequiredService<BankLink.Data.Notifications.TokenStateFeed>());
        return builder;
    }
}
