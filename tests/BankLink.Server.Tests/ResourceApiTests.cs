using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BankLink.Server.Tests.Contract;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>
/// The account data API (issue 5) over the real pipeline and the demo ledger: every response is checked against
/// openapi/banklink-resource.v1.json, figures against the ledger's own rows, and every refusal for its status,
/// error, id and RFC 6750 / RFC 9449 challenge.
/// </summary>
public sealed class ResourceApiTests : IAsyncLifetime
{
    private const string Verifier = "verifier-that-is-long-enough-to-be-a-real-pkce-verifier";
    private static readonly OpenApiContract Contract = OpenApiContract.Load("banklink-resource.v1.json");
    private readonly DemoBankDatabase _database = new();
    private BankLinkApp _app = null!;
    private ProviderClient _provider = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString);
        _provider = await ProviderClient.RegisterAsync(_app, "openid balance transactions grant_management_query grant_management_revoke",
            ["authorization_code", "refresh_token", "client_credentials"]);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>PAR with <paramref name="scope"/>, login and consent for the first <paramref name="accounts"/> linkable accounts, the code exchanged: the access token.</summary>
    internal static async Task<string> LinkAsync(ProviderClient provider, string loginId = "tanaka01", int accounts = 3, string scope = "openid balance transactions")
    {
        var customer = BankLink.DemoBank.DemoCustomers.All.Single(c => c.LoginId == loginId);
        var parameters = provider.ParParameters().Where(p => p.Key != "scope").Append(new("scope", scope));
        var requestUri = (await (await provider.PushAsync(parameters)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("request_uri").GetString()!;
        var code = await provider.ConsentAsync(requestUri, loginId, customer.Password, customer.CustomerNumber, accounts);
        var tokens = await provider.PostAsync("/connect/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", ProviderClient.RedirectUri), new("code_verifier", Verifier)],
            provider.DpopProof("POST", ProviderClient.Issuer + "/connect/token"));
        return (await tokens.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    /// <summary>Calls the API and checks the answer against the contract, whatever it is.</summary>
    internal static async Task<ContractResponse> CallAsync(ProviderClient provider, string operationId, string pathAndQuery, string token, string? proof = null,
        string scheme = "DPoP", string? interactionId = null, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, pathAndQuery);
        request.Headers.TryAddWithoutValidation("Authorization", scheme + " " + token);
        var path = pathAndQuery.Split('?')[0];
        if (proof != "")
        {
            request.Headers.Add("DPoP", proof ?? provider.DpopProof((method ?? HttpMethod.Get).Method, ProviderClient.Issuer + path, accessToken: token));
        }

        if (interactionId is not null)
        {
            request.Headers.TryAddWithoutValidation("x-fapi-interaction-id", interactionId);
        }

        var response = await provider.App.CreateClient().SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.MethodNotAllowed)
        {
            Contract.AssertConforms(operationId, response, body);
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            Assert.True(Guid.TryParseExact(response.Headers.GetValues("x-fapi-interaction-id").Single(), "D", out _));
        }

        return new ContractResponse(response, body);
    }

    private Task<ContractResponse> CallAsync(string operationId, string pathAndQuery, string token, string? proof = null, string scheme = "DPoP", string? interactionId = null) =>
        CallAsync(_provider, operationId, pathAndQuery, token, proof, scheme, interactionId);

    private async Task<Dictionary<string, JsonElement>> AccountsByKindAsync(string token)
    {
        var list = await CallAsync("ListAccounts", "/accounts", token);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        return list.Json.GetProperty("accounts").EnumerateArray().ToDictionary(a => a.GetProperty("kind").GetString()!, a => a.Clone());
    }

    private async Task<Guid> LedgerIdAsync(string customerNumber, string kind) =>
        await _database.ScalarAsync<Guid>("SELECT id FROM ledger.accounts WHERE customer_number = $1 AND kind = $2 AND status = 'open' ORDER BY account_number LIMIT 1", customerNumber, kind);

    private static void AssertRefused(ContractResponse response, HttpStatusCode status, string error, string id)
    {
        Assert.Equal(status, response.Status);
        var problem = response.Json;
        Assert.Equal(error, problem.GetProperty("error").GetString());
        Assert.Equal(id, problem.GetProperty("errorId").GetString());
        Assert.EndsWith(id, problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            var challenge = response.Message.Headers.WwwAuthenticate.Single();
            Assert.Equal("DPoP", challenge.Scheme);
            Assert.Contains($"error=\"{error}\"", challenge.Parameter, StringComparison.Ordinal);
            Assert.Contains("algs=\"ES256 PS256\"", challenge.Parameter, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ListAccounts_GrantOfThreeKinds_PairwiseIdsMaskedNumbersProductNicknames()
    {
        var token = await LinkAsync(_provider);

        var accounts = await AccountsByKindAsync(token);

        Assert.Equal(["card_loan", "ordinary", "savings"], accounts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("***3456", accounts["ordinary"].GetProperty("maskedAccountNumber").GetString());
        Assert.Equal("***4567", accounts["savings"].GetProperty("maskedAccountNumber").GetString());
        Assert.Equal("***5678", accounts["card_loan"].GetProperty("maskedAccountNumber").GetString());
        foreach (var (kind, account) in accounts)
        {
            var ledgerId = await LedgerIdAsync("1000000001", kind);
            Assert.Equal(await _database.ScalarAsync<string>("SELECT product_name FROM ledger.accounts WHERE id = $1", ledgerId), account.GetProperty("nickname").GetString());
            Assert.DoesNotContain(ledgerId.ToString(), account.GetRawText(), StringComparison.OrdinalIgnoreCase);
            Assert.Equal("JPY", account.GetProperty("currency").GetString());
        }
    }

    [Fact]
    public async Task ListAccounts_SameAccountAtTwoProviders_DifferentIds_SameIdOnEveryCall()
    {
        var first = (await AccountsByKindAsync(await LinkAsync(_provider)))["ordinary"].GetProperty("id").GetString();
        Assert.Equal(first, (await AccountsByKindAsync(await LinkAsync(_provider)))["ordinary"].GetProperty("id").GetString());
        await _database.ExecuteAsync("""
            INSERT INTO providers (id, name, name_ja, description, description_ja, status, created_at)
            VALUES (gen_random_uuid(), 'Second Fintech', '二番目', 'd', 'd', 'active', now())
            """);
        var other = await ProviderClient.RegisterAsync(_app, "openid balance transactions");
        await _database.ExecuteAsync("UPDATE clients SET provider_id = (SELECT id FROM providers WHERE name = 'Second Fintech') WHERE client_id = $1", other.ClientId);
        await _app.ChangesArrivedAsync();
        await _database.ExecuteAsync("UPDATE grants SET provider_id = (SELECT id FROM providers WHERE name = 'Second Fintech') WHERE client_id = $1", other.ClientId);
        await _app.ChangesArrivedAsync();

        var second = (await CallAsync(other, "ListAccounts", "/accounts", await LinkAsync(other))).Json.GetProperty("accounts").EnumerateArray()
            .Single(a => a.GetProperty("kind").GetString() == "ordinary").GetProperty("id").GetString();

        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("ordinary")]
    [InlineData("savings")]
    [InlineData("card_loan")]
    public async Task GetBalance_EachKind_EqualsTheLedger(string kind)
    {
        var token = await LinkAsync(_provider);
        var id = (await AccountsByKindAsync(token))[kind].GetProperty("id").GetString()!;
        var ledgerId = await LedgerIdAsync("1000000001", kind);

        var balance = await CallAsync("GetBalance", $"/accounts/{id}/balance", token);

        Assert.Equal(HttpStatusCode.OK, balance.Status);
        var body = balance.Json;
        var ledgerBalance = await _database.ScalarAsync<long>("SELECT balance FROM ledger.accounts WHERE id = $1", ledgerId);
        Assert.Equal(kind, body.GetProperty("kind").GetString());
        Assert.Equal(id, body.GetProperty("accountId").GetString());
        Assert.Equal(await _database.ScalarAsync<DateTime>("SELECT balance_as_of FROM ledger.accounts WHERE id = $1", ledgerId),
            body.GetProperty("asOf").GetDateTimeOffset().UtcDateTime, TimeSpan.FromMilliseconds(1));
        if (kind == "card_loan")
        {
            var limit = await _database.ScalarAsync<long>("SELECT credit_limit FROM ledger.accounts WHERE id = $1", ledgerId);
            Assert.Equal(ledgerBalance, body.GetProperty("outstanding").GetInt64());
            Assert.Equal(limit, body.GetProperty("creditLimit").GetInt64());
            Assert.Equal(limit - ledgerBalance, body.GetProperty("availableToBorrow").GetInt64());
        }
        else
        {
            Assert.Equal(ledgerBalance, body.GetProperty("current").GetInt64());
            Assert.Equal(ledgerBalance, body.GetProperty("available").GetInt64());
        }

        // The newest line's balance after is the account's balance: the history and the balance tell one story.
        Assert.Equal(ledgerBalance, await _database.ScalarAsync<long>("SELECT balance_after FROM ledger.transactions WHERE account_id = $1 ORDER BY seq DESC LIMIT 1", ledgerId));
    }

    [Theory]
    [InlineData("ordinary")]
    [InlineData("savings")]
    [InlineData("card_loan")]
    public async Task GetTransactions_EachKind_EveryPageEqualsTheLedgerNewestFirst(string kind)
    {
        var token = await LinkAsync(_provider);
        var id = (await AccountsByKindAsync(token))[kind].GetProperty("id").GetString()!;
        var ledgerId = await LedgerIdAsync("1000000001", kind);

        var walked = await WalkAsync(token, $"/accounts/{id}/transactions?limit=40");

        var ledger = await LedgerLinesAsync(ledgerId, "booking_date >= (now() AT TIME ZONE 'Asia/Tokyo')::date - interval '13 months'");
        Assert.NotEmpty(ledger);
        Assert.Equal(ledger.Select(l => l.ToString()), walked.Select(w => Describe(w)));
        Assert.Equal(walked.Count, walked.Select(w => w.GetProperty("id").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task GetTransactions_LinesBookedBetweenPages_NoGapsNoDuplicates()
    {
        var token = await LinkAsync(_provider);
        var id = (await AccountsByKindAsync(token))["ordinary"].GetProperty("id").GetString()!;
        var ledgerId = await LedgerIdAsync("1000000001", "ordinary");
        var before = await LedgerLinesAsync(ledgerId, "true");

        var walked = await WalkAsync(token, $"/accounts/{id}/transactions?limit=25", betweenPages: () => _database.ExecuteAsync("""
            INSERT INTO ledger.transactions (account_id, seq, booking_date, value_date, amount, direction, balance_after, description, type)
            SELECT $1, max(seq) + 1, (now() AT TIME ZONE 'Asia/Tokyo')::date, (now() AT TIME ZONE 'Asia/Tokyo')::date, 1000, 'credit', 0, 'ページ間の入金', 'transfer_in'
            FROM ledger.transactions WHERE account_id = $1
            """, ledgerId));

        var window = before.Where(l => l.BookingDate >= DateOnly.FromDateTime(DateTime.UtcNow.AddHours(9)).AddMonths(-13)).ToList();
        Assert.Equal(window.Select(l => l.ToString()), walked.Select(w => Describe(w)));
    }

    [Fact]
    public async Task GetTransactions_CursorTamperedOrForAnotherAccountOrRange_400InvalidCursor()
    {
        var token = await LinkAsync(_provider);
        var accounts = await AccountsByKindAsync(token);
        var ordinary = accounts["ordinary"].GetProperty("id").GetString()!;
        var savings = accounts["savings"].GetProperty("id").GetString()!;
        var first = await CallAsync("GetTransactions", $"/accounts/{ordinary}/transactions?limit=5", token);
        var next = new Uri(first.Json.GetProperty("next").GetString()!);
        var query = System.Web.HttpUtility.ParseQueryString(next.Query);
        var cursor = query["cursor"]!;
        var flipped = cursor[..10] + (cursor[10] == 'A' ? 'B' : 'A') + cursor[11..];

        Assert.Equal(HttpStatusCode.OK, (await CallAsync("GetTransactions", next.PathAndQuery, token)).Status);
        AssertRefused(await CallAsync("GetTransactions", next.PathAndQuery.Replace(cursor, flipped, StringComparison.Ordinal), token), HttpStatusCode.BadRequest, "invalid_cursor", "BL2713");
        AssertRefused(await CallAsync("GetTransactions", next.PathAndQuery.Replace(ordinary, savings, StringComparison.Ordinal), token), HttpStatusCode.BadRequest, "invalid_cursor", "BL2713");
        var otherRange = next.PathAndQuery.Replace("from=" + query["from"], "from=" + DateOnly.Parse(query["from"]!, System.Globalization.CultureInfo.InvariantCulture).AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        AssertRefused(await CallAsync("GetTransactions", otherRange, token), HttpStatusCode.BadRequest, "invalid_cursor", "BL2713");
        AssertRefused(await CallAsync("GetTransactions", $"/accounts/{ordinary}/transactions?cursor=not-a-cursor", token), HttpStatusCode.BadRequest, "invalid_cursor", "BL2713");

        // Another grant of the same client and customer: a cursor is bound to the grant that read the first page.
        var otherGrant = await LinkAsync(_provider);
        AssertRefused(await CallAsync("GetTransactions", next.PathAndQuery, otherGrant), HttpStatusCode.BadRequest, "invalid_cursor", "BL2713");
    }

    [Fact]
    public async Task GetTransactions_RangeOutsideTheOfferedHistoryOrBadLimitOrParameters_400()
    {
        var token = await LinkAsync(_provider);
        var id = (await AccountsByKindAsync(token))["ordinary"].GetProperty("id").GetString()!;
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(9));
        string Day(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        AssertRefused(await CallAsync("GetTransactions", $"/accounts/{id}/transactions?from={Day(today.AddMonths(-13).AddDays(-1))}", token), HttpStatusCode.BadRequest, "invalid_request", "BL2711");
        AssertRefused(await CallAsync("GetTransactions", $"/accounts/{id}/transactions?to={Day(today.AddDays(1))}", token), HttpStatusCode.BadRequest, "invalid_request", "BL2711");
        AssertRefused(await CallAsync("GetTransactions", $"/accounts/{id}/transactions?from={Day(today)}&to={Day(today.AddDays(-1))}", token), HttpStatusCode.BadRequest, "invalid_request", "BL2711");
        AssertRefused(await CallAsync("GetTransactions", $"/accounts/{id}/transactions?from=2026/01/01", token), HttpStatusCode.BadRequest, "invalid_request", "BL2711");
        AssertRefused(await CallAsync("GetTransactions", $"/accounts/{id}/transactions?limit=0", token), HttpStatusCode.BadRequest, "invalid_request", "BL2712");
        AssertRefused(await CallAsync("GetTransactions", $"/accounts/{id}/transactions?limit=1001", token), HttpStatusCode.BadRequest, "invalid_request", "BL2712");
        AssertRefused(await CallAsync("GetTransactions", $"/accounts/{id}/transactions?limit=5&limit=6", token), HttpStatusCode.BadRequest, "invalid_request", "BL2715");
        AssertRefused(await CallAsync("GetTransactions", $"/accounts/{id}/transactions?page=2", token), HttpStatusCode.BadRequest, "invalid_request", "BL2715");

        var defaults = await CallAsync("GetTransactions", $"/accounts/{id}/transactions", token);
        Assert.Equal(25, defaults.Json.GetProperty("transactions").GetArrayLength());
        Assert.Equal(Day(today), defaults.Json.GetProperty("to").GetString());
        Assert.Equal(Day(today.AddMonths(-13)), defaults.Json.GetProperty("from").GetString());
        var whole = (await CallAsync("GetTransactions", $"/accounts/{id}/transactions?limit=1000", token)).Json;
        Assert.Equal(await _database.ScalarAsync<long>("SELECT count(*) FROM ledger.transactions WHERE account_id = $1 AND booking_date >= $2",
            await LedgerIdAsync("1000000001", "ordinary"), today.AddMonths(-13)), whole.GetProperty("transactions").GetArrayLength());
        Assert.False(whole.TryGetProperty("next", out _));
    }

    [Fact]
    public async Task Accounts_OtherCustomersUntickedUnknownOrMalformed_OneAnd404()
    {
        var onlyOne = await LinkAsync(_provider, accounts: 1);
        var all = await AccountsByKindAsync(await LinkAsync(_provider));
        var ticked = (await CallAsync("ListAccounts", "/accounts", onlyOne)).Json.GetProperty("accounts").EnumerateArray().Single().GetProperty("id").GetString();
        var unticked = all.Values.Select(a => a.GetProperty("id").GetString()!).First(a => a != ticked);
        var otherCustomers = (await CallAsync("ListAccounts", "/accounts", await LinkAsync(_provider, "ito06", 1))).Json.GetProperty("accounts")[0].GetProperty("id").GetString()!;

        var answers = new List<ContractResponse>
        {
            await CallAsync("GetBalance", $"/accounts/{unticked}/balance", onlyOne),
            await CallAsync("GetBalance", $"/accounts/{otherCustomers}/balance", onlyOne),
            await CallAsync("GetBalance", $"/accounts/{new string('A', 43)}/balance", onlyOne),
            await CallAsync("GetBalance", "/accounts/0123456/balance", onlyOne),
            await CallAsync("GetTransactions", $"/accounts/{unticked}/transactions", onlyOne),
        };

        foreach (var answer in answers)
        {
            AssertRefused(answer, HttpStatusCode.NotFound, "not_found", "BL2710");
            Assert.Equal(answers[0].Json.GetProperty("detail").GetString(), answer.Json.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task Scopes_BalanceOnlyTokenReadsNoHistory_403InsufficientScope()
    {
        var balanceOnly = await LinkAsync(_provider, scope: "openid balance");
        var transactionsOnly = await LinkAsync(_provider, scope: "openid transactions");
        var id = (await AccountsByKindAsync(balanceOnly))["ordinary"].GetProperty("id").GetString()!;
        var idForTransactions = (await AccountsByKindAsync(transactionsOnly))["ordinary"].GetProperty("id").GetString()!;

        Assert.Equal(id, idForTransactions);
        AssertRefused(await CallAsync("GetTransactions", $"/accounts/{id}/transactions", balanceOnly), HttpStatusCode.Forbidden, "insufficient_scope", "BL2705");
        AssertRefused(await CallAsync("GetBalance", $"/accounts/{id}/balance", transactionsOnly), HttpStatusCode.Forbidden, "insufficient_scope", "BL2705");
        Assert.Equal(HttpStatusCode.OK, (await CallAsync("GetBalance", $"/accounts/{id}/balance", balanceOnly)).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync("GetTransactions", $"/accounts/{id}/transactions", transactionsOnly)).Status);

        var providerToken = (await (await _provider.PostAsync("/connect/token", [new("grant_type", "client_credentials"), new("scope", "grant_management_query")],
            _provider.DpopProof("POST", ProviderClient.Issuer + "/connect/token"))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        AssertRefused(await CallAsync("ListAccounts", "/accounts", providerToken), HttpStatusCode.Forbidden, "insufficient_scope", "BL2705");
    }

    [Fact]
    public async Task Tokens_ExpiredRevokedBearerOrWithoutProof_401_Rfc6750Section3_Rfc9449Section7()
    {
        var token = await LinkAsync(_provider);
        var id = (await AccountsByKindAsync(token))["ordinary"].GetProperty("id").GetString()!;
        var path = $"/accounts/{id}/balance";

        AssertRefused(await CallAsync("GetBalance", path, token, scheme: "Bearer"), HttpStatusCode.Unauthorized, "invalid_token", "BL2701");
        AssertRefused(await CallAsync("GetBalance", path, token, proof: ""), HttpStatusCode.Unauthorized, "invalid_dpop_proof", "BL2301");
        AssertRefused(await CallAsync("GetBalance", path, "blat_" + new string('A', 43)), HttpStatusCode.Unauthorized, "invalid_token", "BL2702");

        var expiring = await LinkAsync(_provider);
        await _database.ExecuteAsync("UPDATE tokens SET expires_at = created_at + interval '1 millisecond' WHERE kind = 'access_token' AND token_hash = $1",
            BankLink.Protocol.Tokens.OpaqueToken.Hash(expiring));
        await _app.ChangesArrivedAsync();
        AssertRefused(await CallAsync("GetBalance", path, expiring), HttpStatusCode.Unauthorized, "invalid_token", "BL2703");

        await _database.ExecuteAsync("UPDATE grants SET status = 'revoked', revoked_at = now(), revoked_reason = 'test' WHERE id = (SELECT grant_id FROM tokens WHERE token_hash = $1)",
            BankLink.Protocol.Tokens.OpaqueToken.Hash(token));
        await _app.ChangesArrivedAsync();
        AssertRefused(await CallAsync("GetBalance", path, token), HttpStatusCode.Unauthorized, "invalid_token", "BL2704");
        AssertRefused(await CallAsync("ListAccounts", "/accounts", token), HttpStatusCode.Unauthorized, "invalid_token", "BL2704");

        // The operators' dashboard counts each refusal under its reason for this client (issue 6).
        await _app.Services.GetRequiredService<BankLink.Data.Operations.Dashboard.RefusalCounter>().FlushAsync(CancellationToken.None);
        var counted = await _database.ScalarAsync<string>(
            "SELECT string_agg(reason || '=' || count, ',' ORDER BY reason) FROM refusal_counts WHERE client_id = $1", _provider.ClientId);
        Assert.Equal("consent_ended=2,expired=1,wrong_sender=1", counted);
    }

    [Fact]
    public async Task Proofs_ForAnotherUrlOrMethodOrReplayed_401InvalidDpopProof_Rfc9449Section4Point3()
    {
        var token = await LinkAsync(_provider);
        var id = (await AccountsByKindAsync(token))["ordinary"].GetProperty("id").GetString()!;
        var path = $"/accounts/{id}/balance";

        AssertRefused(await CallAsync("GetBalance", path, token, proof: _provider.DpopProof("GET", ProviderClient.Issuer + $"/accounts/{id}/transactions", accessToken: token)),
            HttpStatusCode.Unauthorized, "invalid_dpop_proof", "BL2303");
        AssertRefused(await CallAsync("GetBalance", path, token, proof: _provider.DpopProof("POST", ProviderClient.Issuer + path, accessToken: token)),
            HttpStatusCode.Unauthorized, "invalid_dpop_proof", "BL2303");
        AssertRefused(await CallAsync("GetBalance", path, token, proof: _provider.DpopProof("GET", ProviderClient.Issuer + path)),
            HttpStatusCode.Unauthorized, "invalid_dpop_proof", "BL2306");

        var proof = _provider.DpopProof("GET", ProviderClient.Issuer + path, accessToken: token);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync("GetBalance", path, token, proof: proof)).Status);
        AssertRefused(await CallAsync("GetBalance", path, token, proof: proof), HttpStatusCode.Unauthorized, "invalid_dpop_proof", "BL2305");
    }

    [Fact]
    public async Task Links_AccountClosedInTheCore_404AndLeavesTheGrant_ProviderSuspended_401()
    {
        var token = await LinkAsync(_provider);
        var accounts = await AccountsByKindAsync(token);
        var savingsLedgerId = await LedgerIdAsync("1000000001", "savings");
        await _database.ExecuteAsync("UPDATE ledger.accounts SET status = 'closed', closed_on = current_date WHERE id = $1", savingsLedgerId);

        AssertRefused(await CallAsync("GetBalance", $"/accounts/{accounts["savings"].GetProperty("id").GetString()}/balance", token), HttpStatusCode.NotFound, "not_found", "BL2710");
        AssertRefused(await CallAsync("GetTransactions", $"/accounts/{accounts["savings"].GetProperty("id").GetString()}/transactions", token), HttpStatusCode.NotFound, "not_found", "BL2710");
        Assert.Equal(["card_loan", "ordinary"], (await AccountsByKindAsync(token)).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM grant_accounts WHERE account_id = $1", savingsLedgerId));
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'account_closed' AND account_id = $1", savingsLedgerId));

        await _database.ExecuteAsync("UPDATE providers SET status = 'suspended' WHERE id = (SELECT provider_id FROM clients WHERE client_id = $1)", _provider.ClientId);
        await _app.ChangesArrivedAsync();
        AssertRefused(await CallAsync("ListAccounts", "/accounts", token), HttpStatusCode.Unauthorized, "invalid_token", "BL2704");
    }

    [Fact]
    public async Task InteractionId_UuidEchoedElseGenerated_InProblemsToo()
    {
        var token = await LinkAsync(_provider);
        var mine = Guid.NewGuid().ToString();

        var echoed = await CallAsync("ListAccounts", "/accounts", token, interactionId: mine);
        var generated = await CallAsync("ListAccounts", "/accounts", token, interactionId: "not-a-uuid");
        var refused = await CallAsync("ListAccounts", "/accounts", token, scheme: "Bearer", interactionId: mine);

        Assert.Equal(mine, echoed.Message.Headers.GetValues("x-fapi-interaction-id").Single());
        Assert.NotEqual("not-a-uuid", generated.Message.Headers.GetValues("x-fapi-interaction-id").Single());
        Assert.Equal(mine, refused.Message.Headers.GetValues("x-fapi-interaction-id").Single());
        Assert.Equal(mine, refused.Json.GetProperty("interactionId").GetString());
    }

    [Fact]
    public async Task Audit_EveryRead_DataReadWithProviderAccountGrantAndInteraction()
    {
        var token = await LinkAsync(_provider);
        var accounts = await AccountsByKindAsync(token);
        var cardLoan = accounts["card_loan"].GetProperty("id").GetString()!;
        var interaction = Guid.NewGuid().ToString();
        var grantId = await _database.ScalarAsync<Guid>("SELECT grant_id FROM tokens WHERE token_hash = $1", BankLink.Protocol.Tokens.OpaqueToken.Hash(token));
        var ledgerId = await LedgerIdAsync("1000000001", "card_loan");

        await CallAsync("GetBalance", $"/accounts/{cardLoan}/balance", token, interactionId: interaction);
        await CallAsync("GetTransactions", $"/accounts/{cardLoan}/transactions?limit=3", token);
        await CallAsync("GetBalance", $"/accounts/{cardLoan}/balance", token, scheme: "Bearer");

        Assert.Equal(3, await _database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'data_read' AND grant_id = $1 AND detail::jsonb->>'function' = 'accounts'", grantId));
        Assert.Equal(1, await _database.ScalarAsync<long>("""
            SELECT count(*) FROM audit_events e JOIN grants g ON g.id = e.grant_id
            WHERE e.event_type = 'data_read' AND e.grant_id = $1 AND e.account_id = $2 AND e.provider_id = g.provider_id AND e.customer_id = g.customer_id
              AND e.client_id = $3 AND e.actor_kind = 'provider' AND e.detail::jsonb->>'function' = 'balance' AND e.detail::jsonb->>'interactionId' = $4
            """, grantId, ledgerId, _provider.ClientId, interaction));
        Assert.Equal("3", await _database.ScalarAsync<string>(
            "SELECT detail::jsonb->>'count' FROM audit_events WHERE event_type = 'data_read' AND grant_id = $1 AND account_id = $2 AND detail::jsonb->>'function' = 'transactions'", grantId, ledgerId));
    }

    /// <summary>Follows next links from <paramref name="first"/> to the end, checking each page; runs <paramref name="betweenPages"/> after each.</summary>
    private async Task<List<JsonElement>> WalkAsync(string token, string first, Func<Task>? betweenPages = null)
    {
        var lines = new List<JsonElement>();
        string? next = first;
        for (var pages = 0; next is not null; pages++)
        {
            Assert.True(pages < 200, "The walk does not end.");
            var page = await CallAsync("GetTransactions", next.StartsWith("http", StringComparison.Ordinal) ? new Uri(next).PathAndQuery : next, token);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            lines.AddRange(page.Json.GetProperty("transactions").EnumerateArray().Select(t => t.Clone()));
            next = page.Json.TryGetProperty("next", out var link) ? link.GetString() : null;
            if (betweenPages is not null)
            {
                await betweenPages();
            }
        }

        return lines;
    }

    private static string Describe(JsonElement line) => string.Join('|', line.GetProperty("bookingDate").GetString(), line.GetProperty("valueDate").GetString(),
        line.GetProperty("amount").GetInt64(), line.GetProperty("direction").GetString(), line.GetProperty("balanceAfter").GetInt64(),
        line.GetProperty("description").GetString(), line.GetProperty("type").GetString());

    private async Task<List<LedgerLine>> LedgerLinesAsync(Guid accountId, string condition)
    {
        await using var command = _database.DataSource.CreateCommand($"""
            SELECT booking_date, value_date, amount, direction, balance_after, description, type FROM ledger.transactions
            WHERE account_id = $1 AND {condition} ORDER BY booking_date DESC, seq DESC
            """);
        command.Parameters.AddWithValue(accountId);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<LedgerLine>();
        while (await reader.ReadAsync())
        {
            lines.Add(new LedgerLine(reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateOnly>(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5), reader.GetString(6)));
        }

        return lines;
    }

    private sealed record LedgerLine(DateOnly BookingDate, DateOnly ValueDate, long Amount, string Direction, long BalanceAfter, string Description, string Type)
    {
        public override string ToString() => string.Join('|', BookingDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ValueDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Amount, Direction, BalanceAfter, Description, Type);
    }
}
