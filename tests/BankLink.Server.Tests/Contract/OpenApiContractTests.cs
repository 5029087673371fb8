using System.Text.Json;

namespace BankLink.Server.Tests.Contract;

/// <summary>The contract validator itself: it must refuse what the contract forbids, or the contract tests prove nothing.</summary>
public sealed class OpenApiContractTests
{
    private static readonly OpenApiContract Contract = OpenApiContract.Load("banklink-resource.v1.json");

    private static JsonElement Schema(string name) => Contract.Root.GetProperty("components").GetProperty("schemas").GetProperty(name);

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public void Validator_ValidAccountList_NoErrors()
    {
        Assert.Empty(Contract.Errors(Schema("AccountList"), Json("""
            {"accounts":[{"id":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","kind":"ordinary","branchName":"本店","maskedAccountNumber":"***3456","nickname":"普通預金","currency":"JPY"}],
             "asOf":"2026-11-21T16:32:18.123+09:00"}
            """)));
    }

    [Theory]
    [InlineData("""{"accounts":[],"asOf":"2026-11-21T16:32:18+09:00","extra":1}""")]
    [InlineData("""{"accounts":[]}""")]
    [InlineData("""{"accounts":[],"asOf":"21/11/2026"}""")]
    [InlineData("""{"accounts":[{"id":"short","kind":"ordinary","branchName":"b","maskedAccountNumber":"***3456","nickname":"n","currency":"JPY"}],"asOf":"2026-11-21T16:32:18+09:00"}""")]
    [InlineData("""{"accounts":[{"id":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","kind":"time_deposit","branchName":"b","maskedAccountNumber":"***3456","nickname":"n","currency":"JPY"}],"asOf":"2026-11-21T16:32:18+09:00"}""")]
    [InlineData("""{"accounts":[{"id":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","kind":"ordinary","branchName":"b","maskedAccountNumber":"0123456","nickname":"n","currency":"JPY"}],"asOf":"2026-11-21T16:32:18+09:00"}""")]
    public void Validator_ResponseOutsideTheContract_Errors(string body)
    {
        Assert.NotEmpty(Contract.Errors(Schema("AccountList"), Json(body)));
    }

    [Fact]
    public void Validator_BalanceOneOf_ExactlyOneKindShape()
    {
        Assert.Empty(Contract.Errors(Schema("Balance"), Json("""
            {"accountId":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","kind":"card_loan","currency":"JPY","outstanding":1,"creditLimit":5,"availableToBorrow":4,"asOf":"2026-11-21T00:00:00Z"}
            """)));
        Assert.NotEmpty(Contract.Errors(Schema("Balance"), Json("""
            {"accountId":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","kind":"card_loan","currency":"JPY","current":1,"available":1,"asOf":"2026-11-21T00:00:00Z"}
            """)));
    }

    [Theory]
    [InlineData("ListAccounts")]
    [InlineData("GetBalance")]
    [InlineData("GetTransactions")]
    public void Contract_EveryOperation_DocumentsTheSharedRefusals(string operationId)
    {
        var responses = Contract.Operation(operationId).GetProperty("responses");
        foreach (var status in new[] { "200", "400", "401", "403", "429", "503" })
        {
            Assert.True(responses.TryGetProperty(status, out _), $"{operationId} lacks {status}");
        }
    }
}
